// Runs npm for the cache folders with an explicit, predictable configuration.
//
// When this script runs under `npm run`, the outer npm exports its whole resolved configuration
// as npm_config_* variables: the repository's ignore-scripts=true, local_prefix pointing at the
// repository, nodedir pointing at the machine's Node headers, yes=false, and so on. A child npm
// would obey them. So only the variables that say how to reach the registry are passed on, and
// everything the installs depend on is set here.
import { spawnSync } from 'node:child_process';
import { delimiter } from 'node:path';

const passedThrough =
	/^npm_config_(registry|.+:registry|cache|cafile|ca|cert|key|strict_ssl|proxy|https_proxy|noproxy|userconfig|globalconfig|offline|prefer_offline|prefer_online|fetch_.+|maxsockets)$/i;

/**
 * @param {{ binDir?: string, headersDir?: string }} runtime Node to run npm and builds with.
 */
export function npmEnvironment(runtime) {
	const env = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(name) && !passedThrough.test(name)) continue;
		if (name === 'INIT_CWD') continue;
		env[name] = value;
	}
	if (runtime.binDir) env.PATH = `${runtime.binDir}${delimiter}${process.env.PATH ?? ''}`;
	// Headers of the target Node, so node-gyp never downloads them (and never builds against
	// the machine's Node 20 headers for Node 24).
	if (runtime.headersDir) env.npm_config_nodedir = runtime.headersDir;
	// Compile native modules instead of fetching prebuilt binaries from outside the registry.
	env.npm_config_build_from_source = 'true';
	env.npm_config_yes = 'true';
	env.npm_config_audit = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_update_notifier = 'false';
	env.npm_config_loglevel = 'error';
	return env;
}

/** Runs `npm ...args` in `cwd`; throws with the exit status when it fails. */
export function npm(args, { cwd, runtime }) {
	const result = spawnSync('npm', args, {
		cwd,
		env: npmEnvironment(runtime),
		stdio: 'inherit',
		shell: process.platform === 'win32',
	});
	if (result.error) throw result.error;
	if (result.status !== 0) {
		throw new Error(
			`npm ${args.join(' ')} failed in ${cwd} (exit ${result.status ?? result.signal})`,
		);
	}
}
