import type { GeneratorContext } from '../generator.js';

const REGIONS = ['us-east', 'us-west', 'eu-central', 'eu-west', 'ap-south', 'ap-northeast'];

export default function generate({ rng }: GeneratorContext): Record<string, unknown> {
  const [primaryRegion, healthyRegion, ...others] = rng.sample(REGIONS, 4) as [string, string, ...string[]];
  const url = (r: string): string => `https://${r}.api.example.com`;
  const primary = url(primaryRegion);
  const healthy = url(healthyRegion);
  const degraded = others.map(url);
  // The healthy candidate is never listed first, so "take the first candidate" does not work.
  const candidates = rng.shuffle([healthy, ...degraded]);
  if (candidates[0] === healthy) candidates.push(candidates.shift() as string);
  const outageMinutes = rng.int(8, 95);
  const outageSeconds = rng.int(0, 59);
  const start = Date.parse('2026-03-14T02:00:00Z');
  const routes = [
    { url: `${primary}/health`, json: { status: 'ok', region: primaryRegion }, latency_ms: 40 },
    { url: `${healthy}/health`, json: { status: 'ok', region: healthyRegion }, latency_ms: 60 },
    ...degraded.map((u) => ({ url: `${u}/health`, status: 503, json: { status: 'degraded' }, latency_ms: 60 })),
    { name: 'incidents', url: 'https://status.example.com/api/incidents', collection: { items: [] } },
  ];
  const config = JSON.stringify({ service: 'checkout-api', upstream: primary, candidates, timeout_ms: 2000 }, null, 2);
  return {
    primary,
    primary_host: `${primaryRegion}.api.example.com`,
    healthy,
    candidates,
    routes,
    config,
    outage_at: `${outageMinutes}m${outageSeconds}s`,
    outage_iso: new Date(start + (outageMinutes * 60 + outageSeconds) * 1000).toISOString(),
  };
}
