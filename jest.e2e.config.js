/**
 * End-to-end tests: real n8n (2.x on Node 24, 1.123 on Node 20) with the built package, against
 * the reference backend. Needs `npm run n8n:setup` and `npm run n8n:setup -- --line 1` first.
 * One worker: each file starts n8n servers, which are heavy on a 2-core machine.
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
	maxWorkers: 1,
	testTimeout: 300_000,
	slowTestThreshold: 120,
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
	},
};
