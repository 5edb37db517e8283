import { config } from '@n8n/node-cli/eslint';

// n8n's community-node rules, unchanged, for the published package (nodes/, credentials/,
// package.json). Tests, benchmarks and scripts run in Node, not inside n8n, so the rules that
// keep node code Cloud-safe (no timers, no process, no imports beyond n8n-workflow) do not apply
// to them.
export default [
	...config,
	{
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/missing-paired-item': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
		},
	},
];
