// @ts-check
import { readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inputError } from '../errors.mjs';

/**
 * The functions a server can run: the built-in ones plus the modules of every --functions folder.
 * The main thread imports each module once to read its declaration; workers import the same file
 * again by path to run its handler.
 */

/** @typedef {{ name: string, type: string, required: boolean, description?: string }} InputDeclaration */
/** @typedef {{ name: string, description: string, input: InputDeclaration[], modulePath: string }} FunctionEntry */

export const BUILTIN_DIR = fileURLToPath(new URL('./builtin/', import.meta.url));
const MODULE_EXTENSIONS = new Set(['.mjs', '.js', '.cjs']);
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,100}$/;

/** A function module that cannot be served; the server does not start. */
export class FunctionLoadError extends Error {}

/**
 * @param {string[]} extraDirs
 * @returns {Promise<FunctionRegistry>}
 */
export async function loadFunctions(extraDirs) {
	/** @type {Map<string, FunctionEntry>} */
	const entries = new Map();
	for (const dir of [BUILTIN_DIR, ...extraDirs.map((dir) => resolve(dir))]) {
		for (const modulePath of moduleFiles(dir)) {
			const entry = await readDeclaration(modulePath);
			const clash = entries.get(entry.name);
			if (clash) {
				throw new FunctionLoadError(
					`Function "${entry.name}" is defined twice: in ${clash.modulePath} and in ${modulePath}. ` +
						'Rename one of them; function names must be unique.',
				);
			}
			entries.set(entry.name, entry);
		}
	}
	return new FunctionRegistry(entries);
}

export class FunctionRegistry {
	/** @param {Map<string, FunctionEntry>} entries */
	constructor(entries) {
		this.entries = entries;
	}

	/** @param {string} name */
	get(name) {
		return this.entries.get(name) ?? null;
	}

	/** The public description for GET /async/functions, sorted by name. */
	describe() {
		return [...this.entries.values()]
			.sort((a, b) => a.name.localeCompare(b.name))
			.map(({ name, description, input }) => ({ name, description, input }));
	}

	/**
	 * Checks an invocation's input against the function's declaration, as Xano checks endpoint
	 * inputs: required fields present, declared types respected, undeclared fields allowed.
	 * @param {FunctionEntry} entry
	 * @param {unknown} input
	 * @param {string} param where the input sits in the request body, for payload.param
	 */
	validateInput(entry, input, param) {
		if (input !== null && (typeof input !== 'object' || Array.isArray(input))) {
			throw inputError(param, `${param} must be a JSON object.`);
		}
		const fields = /** @type {Record<string, unknown>} */ (input ?? {});
		for (const declared of entry.input) {
			const value = fields[declared.name];
			const at = `${param}.${declared.name}`;
			if (value === undefined || value === null) {
				if (declared.required) {
					throw inputError(at, `Missing param: ${at} (required by ${entry.name}).`);
				}
				continue;
			}
			if (!matchesType(value, declared.type)) {
				const expected =
					declared.type === 'email' ? 'an email address' : `of type ${declared.type}`;
				throw inputError(at, `${at} must be ${expected}.`);
			}
		}
	}
}

const EMAIL_ADDRESS = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** @param {unknown} value @param {string} type */
function matchesType(value, type) {
	switch (type) {
		case 'text':
			return typeof value === 'string';
		case 'email':
			// What Xano's email input checks: one address, no spaces, a dot in the domain.
			return typeof value === 'string' && EMAIL_ADDRESS.test(value);
		case 'int':
			return Number.isInteger(value);
		case 'decimal':
			return typeof value === 'number' && Number.isFinite(value);
		case 'bool':
			return typeof value === 'boolean';
		case 'object':
			return typeof value === 'object' && !Array.isArray(value);
		case 'array':
			return Array.isArray(value);
		default:
			return true;
	}
}

/** @param {string} dir */
function moduleFiles(dir) {
	let names;
	try {
		if (!statSync(dir).isDirectory()) throw new Error('not a folder');
		names = readdirSync(dir);
	} catch {
		throw new FunctionLoadError(`--functions ${dir}: not a readable folder.`);
	}
	return names
		.filter((file) => MODULE_EXTENSIONS.has(extname(file)) && !file.startsWith('_'))
		.sort()
		.map((file) => join(dir, file));
}

/**
 * @param {string} modulePath
 * @returns {Promise<FunctionEntry>}
 */
async function readDeclaration(modulePath) {
	let module;
	try {
		module = await import(pathToFileURL(modulePath).href);
	} catch (error) {
		throw new FunctionLoadError(`Cannot load function module ${modulePath}: ${reasonOf(error)}`);
	}
	try {
		return declarationOf(module, modulePath);
	} catch (error) {
		// An export can throw when read (a getter, a Proxy): that module is at fault, not the server.
		if (error instanceof FunctionLoadError) throw error;
		throw new FunctionLoadError(`Function module ${modulePath} cannot be read: ${reasonOf(error)}`);
	}
}

/** A module may throw anything, `null` included. @param {unknown} thrown */
const reasonOf = (thrown) => (thrown instanceof Error ? thrown.message : String(thrown));

/**
 * @param {unknown} module
 * @param {string} modulePath
 * @returns {FunctionEntry}
 */
function declarationOf(module, modulePath) {
	const definition = functionDefinitionOf(module);
	const fail = (/** @type {string} */ why) =>
		new FunctionLoadError(`Function module ${modulePath} ${why}`);
	if (!definition || typeof definition !== 'object') {
		throw fail('must export { name, description, input, handler } as its default export.');
	}
	if (typeof definition.name !== 'string' || !FUNCTION_NAME.test(definition.name)) {
		throw fail('needs a `name` of letters, digits, "_" or "-".');
	}
	if (typeof definition.handler !== 'function') throw fail('needs a `handler` function.');
	const input = definition.input ?? [];
	if (!Array.isArray(input) || input.some((item) => !item || typeof item.name !== 'string')) {
		throw fail('has an `input` that is not a list of { name, type, required }.');
	}
	return {
		name: definition.name,
		description: typeof definition.description === 'string' ? definition.description : '',
		input: input.map((item) => ({
			name: item.name,
			type: typeof item.type === 'string' ? item.type : 'json',
			required: item.required === true,
			...(typeof item.description === 'string' ? { description: item.description } : {}),
		})),
		modulePath,
	};
}

/**
 * The definition of an ESM default export, or of a CommonJS module.exports (which import() also
 * presents as `default`).
 * @param {any} module
 */
export function functionDefinitionOf(module) {
	const candidate = module?.default ?? module;
	const nested = candidate && typeof candidate === 'object' && !('handler' in candidate);
	return nested && candidate.default ? candidate.default : candidate;
}
