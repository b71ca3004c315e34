/**
 * [K9] Per-address limits key on the client's address as a trusted proxy reports it
 * (TRUST_PROXY), and on the socket's peer otherwise: behind a load balancer clients get a
 * bucket each, while without the setting nobody can pick their own key by sending a header.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { startServer } from '../helpers/server.js';

const tightRest = (trustProxy: string[]) => ({
  trustProxy,
  limits: { ...loadConfig({}).limits, restPerIpPerSec: 0.001, restPerIpBurst: 3 },
});

const get = (url: string, xff: string) => fetch(`${url}/api/time`, { headers: { 'x-forwarded-for': xff } }).then((r) => r.status);

describe('[K9] TRUST_PROXY', () => {
  it('without it, X-Forwarded-For is ignored: one peer, one bucket', async () => {
    const s = await startServer(tightRest([]));
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await get(s.url, `203.0.113.${i}`));
    expect(statuses).toEqual([200, 200, 200, 429]);
    await s.close();
  });

  it('with the proxy trusted, each reported client has its own bucket, and one client still runs out', async () => {
    const s = await startServer(tightRest(['loopback']));
    const distinct = [];
    for (let i = 0; i < 4; i++) distinct.push(await get(s.url, `203.0.113.${i}`));
    expect(distinct).toEqual([200, 200, 200, 200]);
    const same = [];
    for (let i = 0; i < 4; i++) same.push(await get(s.url, '198.51.100.7'));
    expect(same).toEqual([200, 200, 200, 429]);
    await s.close();
  });

  it('a bad TRUST_PROXY value stops the start with a clear error', async () => {
    await expect(startServer({ trustProxy: ['not-an-address'] })).rejects.toThrow(/invalid IP address/);
  });
});
