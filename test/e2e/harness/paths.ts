import { join, resolve } from 'path';

/** The repository root: the built package n8n loads, and where the harness scripts live. */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/** `scripts/n8n/cli.mjs`: every n8n process of the tests starts through it. */
export const n8nCliScript = join(repoRoot, 'scripts', 'n8n', 'cli.mjs');

export type N8nLine = '1' | '2';

/**
 * The package n8n loads: the repository, or N8N_HARNESS_PACKAGE_DIR (scripts/n8n/cli.mjs reads
 * the same variable), e.g. an unpacked `npm pack` tarball.
 */
export function packageDir(): string {
	const override = process.env.N8N_HARNESS_PACKAGE_DIR;
	return override ? resolve(override) : repoRoot;
}
