import { Page } from 'playwright-core';
import { ApiClient } from '../support/api-client';
import { text } from './browser-support';

const STATES = ['available', 'wrapup', 'away', 'offline'] as const;
const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);

/**
 * Does the wallboard on `page` show what the API says right now? Compares
 * every queue row (waiting, free agents and service level from
 * `GET /api/queues`; handled and abandoned today from
 * `GET /api/stats/realtime`), the total waiting, the agents-per-state tiles
 * and the blending lull tile (`GET /api/stats/realtime`). True, or the first
 * difference (for `eventually`).
 */
export async function wallboardMatchesApi(page: Page, api: ApiClient): Promise<true | string> {
  const [queuesRes, statsRes] = await Promise.all([api.get('/api/queues'), api.get('/api/stats/realtime')]);
  const queues = queuesRes.body as Array<{ id: string; name: string; waiting: number; agentsAvailable: number; serviceLevel: number | null }>;
  const stats = statsRes.body as {
    queues: Array<{ id: string; handledToday: number; abandonedToday: number }>;
    agents: { byState: Record<string, number> };
    blending: { lull: boolean };
  };
  for (const queue of queues) {
    const row = page.locator(`tr[data-queue-id="${queue.id}"]`);
    if ((await row.count()) === 0) return `no row for ${queue.name}`;
    const figures = stats.queues.find((q) => q.id === queue.id);
    const shown = {
      waiting: await text(row.locator('[data-field=waiting]')),
      agentsAvailable: await text(row.locator('[data-field=agentsAvailable]')),
      serviceLevel: await text(row.locator('[data-field=serviceLevel]')),
      handled: await text(row.locator('[data-field=handled]')),
      abandoned: await text(row.locator('[data-field=abandoned]')),
    };
    const expected = {
      waiting: String(queue.waiting),
      agentsAvailable: String(queue.agentsAvailable),
      serviceLevel: percent(queue.serviceLevel),
      handled: figures ? String(figures.handledToday) : '—',
      abandoned: figures ? String(figures.abandonedToday) : '—',
    };
    if (JSON.stringify(shown) !== JSON.stringify(expected)) return `${queue.name}: shown ${JSON.stringify(shown)}, API ${JSON.stringify(expected)}`;
  }
  const total = queues.reduce((sum, queue) => sum + queue.waiting, 0);
  const totalShown = await text(page.getByTestId('total-waiting').locator('.value'));
  if (totalShown !== String(total)) return `total waiting shown ${totalShown}, API ${total}`;
  for (const state of STATES) {
    const tile = page.getByTestId(`agents-${state}`);
    if ((await tile.count()) === 0) return `no tile for agents ${state}`;
    const shown = await text(tile.locator('.value'));
    const expected = String(stats.agents.byState[state] ?? 0);
    if (shown !== expected) return `agents ${state}: shown ${shown}, API ${expected}`;
  }
  const blending = page.getByTestId('blending-state');
  if ((await blending.count()) === 0) return 'no blending tile (no statistics yet)';
  const lull = await blending.getAttribute('data-lull');
  return lull === String(stats.blending.lull) ? true : `blending lull shown ${lull}, API ${stats.blending.lull}`;
}
