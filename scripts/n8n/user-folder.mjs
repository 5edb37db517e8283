// An n8n user folder with this package installed the way n8n installs community packages:
// under <folder>/.n8n/nodes/node_modules/<package name>. n8n names the node types
// `<package name>.<node>` from there, exactly as users get them (a custom-extensions folder
// would give `CUSTOM.<node>` instead). A symlink to the repository is enough, and it means a
// rebuild is picked up at the next start without reinstalling anything.
import { existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir, readJson, repoRoot } from './lines.mjs';

export function defaultUserFolder(line) {
	return join(cacheDir, 'n8n-user', line.name);
}

/**
 * The package to install: the repository, or N8N_HARNESS_PACKAGE_DIR (for instance the unpacked
 * `npm pack` tarball, to prove what would be published).
 */
export function packageDir() {
	return resolve(process.env.N8N_HARNESS_PACKAGE_DIR || repoRoot);
}

/** Links the package into the folder; returns warnings about its build to show the user. */
export function installPackageInto(userFolder) {
	const source = packageDir();
	const name = readJson(join(source, 'package.json'))?.name;
	if (!name) throw new Error(`${source} has no package.json with a name`);
	const modules = join(userFolder, '.n8n', 'nodes', 'node_modules');
	mkdirSync(modules, { recursive: true });
	const link = join(modules, name);
	const existing = lstatOrUndefined(link);
	if (existing?.isSymbolicLink()) {
		if (resolve(modules, readlinkSync(link)) === source) return buildWarnings(source);
		unlinkSync(link);
	} else if (existing) {
		throw new Error(`${link} exists and is not a link to ${source}; remove it first`);
	}
	symlinkSync(source, link, process.platform === 'win32' ? 'junction' : 'dir');
	return buildWarnings(source);
}

function lstatOrUndefined(path) {
	try {
		return lstatSync(path);
	} catch {
		return undefined;
	}
}

function buildWarnings(source) {
	const manifest = readJson(join(source, 'package.json'))?.n8n ?? {};
	const files = [...(manifest.nodes ?? []), ...(manifest.credentials ?? [])];
	const missing = files.filter((file) => !existsSync(join(source, file)));
	if (files.length === 0) return ['package.json lists no n8n nodes yet'];
	if (missing.length > 0) return [`not built (run npm run build): ${missing.join(', ')}`];
	return [];
}
