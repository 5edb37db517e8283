// Which Node runs a line's n8n: the machine's own when it is new enough, otherwise the Node 24
// that setup installed from the registry.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { node24, node24Paths, nodeMajorOf, ownHeadersDir, readJson } from './lines.mjs';

/**
 * @returns {{ node: string, binDir: string, version: string, headersDir?: string, fromCache: boolean }}
 */
export function runtimeFor(line) {
	const ownMajor = nodeMajorOf(process.versions.node);
	// TODO(a runner whose Node ships no include/node): fetch the headers as the registry's
	// node-<platform>-<arch>@<own version>; today node-gyp would download them from nodejs.org.
	if (line.nodeMajor === undefined || ownMajor >= line.nodeMajor) {
		return {
			node: process.execPath,
			binDir: dirname(process.execPath),
			version: process.version,
			headersDir: ownHeadersDir(),
			fromCache: false,
		};
	}
	const paths = node24Paths();
	const installed = readJson(join(node24.dir, 'harness-node.json'));
	return {
		node: paths.node,
		binDir: paths.binDir,
		version: installed?.version ?? `v${node24.version}`,
		headersDir: paths.headersDir,
		fromCache: true,
	};
}

export function runtimeIsInstalled(runtime) {
	if (!runtime.fromCache) return true;
	const installed = readJson(join(node24.dir, 'harness-node.json'));
	return installed?.version === `v${node24.version}` && existsSync(runtime.node);
}
