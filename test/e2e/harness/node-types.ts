import { httpJson } from './http';

export interface LoadedTypes {
	/** Node type names, e.g. `n8n-nodes-xano-async.xanoAsyncInvoke`. */
	nodes: string[];
	/** Credential type names, e.g. `xanoAsyncApi`. */
	credentials: string[];
}

/**
 * The node and credential types the running instance loaded, from the same files the editor
 * reads. Proves the package was found where users install community packages.
 */
export async function loadedTypes(n8n: {
	url: string;
	sessionCookie: string;
}): Promise<LoadedTypes> {
	const headers = { cookie: n8n.sessionCookie };
	const nodes = await httpJson<Array<{ name: string }>>('GET', `${n8n.url}/types/nodes.json`, {
		headers,
	});
	const credentials = await httpJson<Array<{ name: string }>>(
		'GET',
		`${n8n.url}/types/credentials.json`,
		{ headers },
	);
	return {
		nodes: [...new Set(nodes.map((type) => type.name))],
		credentials: credentials.map((type) => type.name),
	};
}
