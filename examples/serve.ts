// A minimal decision service: loads policy.json (from `hrc-budget fit` or `hrc-budget demo`) and answers
// POST /decide with a JSON body { "features": { "x0": 0.3, ... }, "budgetPerUser": 0.3 }.
// Run: npx tsx examples/serve.ts hrc-demo/policy.json [port]
// Try: curl -s localhost:8080/decide -d '{"features":{"x0":0.1,"x1":1,"x2":0,"x3":0,"x4":0,"x5":0,"x6":0,"x7":0,"x8":0,"x9":0},"budgetPerUser":0.3}'
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AllocationPolicy, HRCError } from '../src/index.js';

const policy = AllocationPolicy.fromJSON(readFileSync(process.argv[2] ?? 'hrc-demo/policy.json', 'utf8'));
const port = Number(process.argv[3] ?? 8080);

const server = createServer((req, res) => {
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'POST' || req.url !== '/decide') return reply(404, { error: 'POST /decide' });
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
    if (body.length > 1e6) req.destroy();
  });
  req.on('end', () => {
    try {
      const { features, budgetPerUser } = JSON.parse(body) as {
        features: Record<string, number | string>;
        budgetPerUser: number;
      };
      const x =
        policy.encoding !== undefined
          ? policy.encode(features)
          : Float32Array.from(policy.featureNames, (n) => Number(features[n]));
      const e = policy.explain(x, { perUser: budgetPerUser });
      reply(200, { treatment: e.armName, group: e.group, expectedUplift: e.expectedUplift, planBudget: e.planBudget });
    } catch (err) {
      reply(err instanceof HRCError || err instanceof SyntaxError ? 400 : 500, { error: (err as Error).message });
    }
  });
});
server.listen(port, '127.0.0.1', () =>
  console.log(`deciding on http://127.0.0.1:${port}/decide with ${policy.treatmentNames.length} treatments`),
);
