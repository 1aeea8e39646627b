/** Entry point: the whole client is the <acd-app> element (lit web components). */
import './components/acd-app';
