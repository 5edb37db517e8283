// An n8n user folder with this package installed the way n8n installs community packages:
// under <folder>/.n8n/nodes/node_modules/<package name>. n8n names the node types
// `<package name>.<node>` from there, exactly as users get them (a custom-extensions folder
// would give `CUSTOM.<node>` instead).
//
// What is linked there is a staged copy of the published files (package.json and dist/), outside
// the repository, not the repository itself: Node resolves `n8n-workflow` from the real path of
// the node's file upwards before it falls back to the NODE_PATH n8n sets, and the repository's own
// node_modules holds n8n-workflow 2.x as a dev dependency. Linking the repository made the nodes
// run against that copy instead of the host's, which hid what they do on n8n 1.x. The copy is
// named by a stamp of the built files, so a rebuild is picked up at the next start, and a running
// n8n keeps the files it started with.
import { createHash } from 'node:crypto';
import {
	cpSync,
	existsSync,
	lstatSync,
	mkdirSync,
	readdirSync,
	readlinkSync,
	renameSync,
	rmSync,
	statSync,
	symlinkSync,
	unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
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

/** Every file of the published package: package.json and all of dist/. */
function publishedFiles(source) {
	const files = ['package.json'];
	const walk = (dir) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) walk(path);
			else files.push(relative(source, path));
		}
	};
	if (existsSync(join(source, 'dist'))) walk(join(source, 'dist'));
	return files;
}

/** A copy of the published files outside the repository (see the top of this file). */
function stagePackage(source, name) {
	const files = publishedFiles(source);
	const stamp = createHash('sha256');
	stamp.update(source);
	for (const file of files) {
		const { size, mtimeMs } = statSync(join(source, file));
		stamp.update(`${file}\0${size}\0${mtimeMs}\n`);
	}
	const staged = join(tmpdir(), 'xano-async-n8n-package', stamp.digest('hex').slice(0, 16), name);
	if (existsSync(staged)) return staged;
	const partial = `${staged}.partial-${process.pid}`;
	rmSync(partial, { recursive: true, force: true });
	for (const file of files) cpSync(join(source, file), join(partial, file));
	mkdirSync(resolve(staged, '..'), { recursive: true });
	renameSync(partial, staged);
	return staged;
}

/** Installs the package into the folder; returns warnings about its build to show the user. */
export function installPackageInto(userFolder) {
	const source = packageDir();
	const name = readJson(join(source, 'package.json'))?.name;
	if (!name) throw new Error(`${source} has no package.json with a name`);
	const staged = stagePackage(source, name);
	const modules = join(userFolder, '.n8n', 'nodes', 'node_modules');
	mkdirSync(modules, { recursive: true });
	const link = join(modules, name);
	const existing = lstatOrUndefined(link);
	if (existing?.isSymbolicLink()) {
		if (resolve(modules, readlinkSync(link)) === staged) return buildWarnings(source);
		unlinkSync(link);
	} else if (existing) {
		throw new Error(`${link} exists and is not a link to the package; remove it first`);
	}
	symlinkSync(staged, link, process.platform === 'win32' ? 'junction' : 'dir');
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
