import { config } from '@n8n/node-cli/eslint';

// n8n's community-node rules, exactly as `n8n-node lint` applies them, for the published package
// (nodes/, credentials/, package.json); `npm run scan` also runs n8n's own package scanner on the
// packed package. Tests, benchmarks and scripts run in Node, not inside n8n: they spawn servers,
// read files and wait on timers, so the rules written for node code (Cloud safety, node
// descriptions, error classes) are switched off for them; the general TypeScript and import
// rules still apply. Because this file extends the default, lint with `npm run lint` (plain
// eslint): `n8n-node lint` refuses any but the default config when package.json says
// `"strict": true`.
const nodeCodeRulePrefixes = ['@n8n/community-nodes/', 'n8n-nodes-base/'];

const nodeCodeRules = new Set(
	config
		.flatMap((block) => Object.keys(block.rules ?? {}))
		.filter((rule) => nodeCodeRulePrefixes.some((prefix) => rule.startsWith(prefix))),
);

export default [
	...config,
	{
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: Object.fromEntries([...nodeCodeRules].map((rule) => [rule, 'off'])),
	},
];
