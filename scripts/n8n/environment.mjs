// The environment every harness-run n8n gets: loopback only, and no call home.
import { delimiter } from 'node:path';
import { nodeMajorOf } from './lines.mjs';

/**
 * Always set, whatever the caller's environment says: they keep n8n on 127.0.0.1 and stop the
 * outbound calls it makes on its own (telemetry, version checks, templates, banners, the list of
 * verified community packages).
 */
const enforced = {
	N8N_LISTEN_ADDRESS: '127.0.0.1',
	N8N_HOST: '127.0.0.1',
	N8N_PROTOCOL: 'http',
	N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_DYNAMIC_BANNERS_ENABLED: 'false',
	N8N_VERIFIED_PACKAGES_ENABLED: 'false',
};

/** Set unless the caller set them. */
const defaults = {
	N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
	// The editor is served over plain http on loopback; secure cookies would make login fail.
	N8N_SECURE_COOKIE: 'false',
	// `n8n execute --rawOutput` prints the run through the info logger: a quieter level hides it.
	N8N_LOG_LEVEL: 'info',
	GENERIC_TIMEZONE: 'UTC',
	TZ: 'UTC',
};

/**
 * @param {{ name: string }} line
 * @param {{ binDir: string, version: string }} runtime
 * @param {string} userFolder
 */
export function n8nEnvironment(line, runtime, userFolder, base = process.env) {
	const env = { ...defaults, ...base, ...enforced, N8N_USER_FOLDER: userFolder };
	// The task runners n8n spawns find `node` on PATH, so the line's Node goes first.
	env.PATH = `${runtime.binDir}${delimiter}${base.PATH ?? ''}`;
	if (line.name === '2') {
		// The MCP registry module fetches a server list from n8n's API at start.
		const disabled = new Set((base.N8N_DISABLED_MODULES ?? '').split(',').filter(Boolean));
		disabled.add('mcp-registry');
		env.N8N_DISABLED_MODULES = [...disabled].join(',');
	}
	if (line.name === '1' && !base.DB_SQLITE_POOL_SIZE) {
		// 1.x defaults to its legacy SQLite driver: one connection shared by every transaction, so
		// a public API call that overlaps a running execution's save can fail with "Transaction is
		// not started yet". The pooled driver (WAL) is what 1.x recommends and what 2.x uses.
		env.DB_SQLITE_POOL_SIZE = '3';
	}
	if (line.name === '1' && nodeMajorOf(runtime.version) < 22 && !base.N8N_EXPRESSION_ENGINE) {
		// 1.123's default "vm" engine needs isolated-vm 6, which has no build for Node 20.
		env.N8N_EXPRESSION_ENGINE = 'legacy';
	}
	return env;
}
