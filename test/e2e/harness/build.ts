import { spawnSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { packageDir, repoRoot } from './paths';

interface PackageManifest {
	name: string;
	n8n?: { nodes?: string[]; credentials?: string[] };
}

export function packageManifest(): PackageManifest {
	return JSON.parse(readFileSync(join(packageDir(), 'package.json'), 'utf8')) as PackageManifest;
}

function missingBuildFiles(): string[] {
	const { n8n = {} } = packageManifest();
	const files = [...(n8n.nodes ?? []), ...(n8n.credentials ?? [])];
	return files.filter((file) => !existsSync(join(packageDir(), file)));
}

/**
 * n8n loads the package from the files package.json lists under `n8n`, all in dist/. Builds the
 * repository once when any is missing; a stale build is the developer's to refresh
 * (`npm run build`). A package given by N8N_HARNESS_PACKAGE_DIR is taken as it is.
 */
export function ensureBuilt(): void {
	if (missingBuildFiles().length === 0) return;
	if (packageDir() === repoRoot) {
		const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
		if (build.status !== 0)
			throw new Error(`npm run build failed (exit ${build.status ?? build.signal})`);
	}
	const missing = missingBuildFiles();
	if (missing.length > 0)
		throw new Error(`${packageDir()} lacks built files: ${missing.join(', ')}`);
}
