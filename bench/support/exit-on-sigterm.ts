/**
 * Preload for profiling the spawned app (`node -r <this> --cpu-prof …`):
 * Nest's shutdown hooks re-raise SIGTERM after closing, which kills the
 * process before V8 writes its CPU profile; exiting normally first lets it.
 *
 *   BENCH_APP_NODE_ARGS="-r ./dist-bench/bench/support/exit-on-sigterm.js --cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench
 */
process.prependListener('SIGTERM', () => process.exit(0));
