// @ts-check
import { pathToFileURL } from 'node:url';
import { workerData } from 'node:worker_threads';
import { ExecutionErrorCode, NotJsonError, executionErrorFrom, toJsonValue } from '../errors.mjs';
import { functionDefinitionOf } from '../functions/registry.mjs';
import { createFunctionContext } from './function-context.mjs';

/**
 * The piscina task of a worker thread: run one function's handler with its ctx and report the
 * outcome as a value (never a thrown error, so code, message and payload survive the thread
 * boundary intact).
 */

/** @type {Map<string, Promise<any>>} modules stay cached for the life of the worker */
const modules = new Map();

/**
 * @param {{ modulePath: string, execution: { id: string, attempt: number, function: string }, input: import('../storage/execution-store.mjs').TaskInput, port: import('node:worker_threads').MessagePort }} task
 * @returns {Promise<{ ok: true, output: unknown } | { ok: false, error: import('../errors.mjs').ErrorShape }>}
 */
export default async function runFunction({ modulePath, execution, input, port }) {
	const { ctx, dispose } = createFunctionContext({ port, execution, settings: workerData ?? {} });
	try {
		const definition = await loadDefinition(modulePath);
		// A stored input arrives as its JSON text and is parsed here, off the main thread.
		const value = 'json' in input ? JSON.parse(input.json) : input.value;
		const output = await definition.handler(value ?? {}, ctx);
		return outcomeOf(output);
	} catch (error) {
		return { ok: false, error: executionErrorFrom(error) };
	} finally {
		dispose();
	}
}

/**
 * A returned value JSON cannot carry fails the run: storing a String() of it would record
 * "[object Object]" as the output of a completed execution.
 * @param {unknown} output
 * @returns {{ ok: true, output: unknown } | { ok: false, error: import('../errors.mjs').ErrorShape }}
 */
function outcomeOf(output) {
	try {
		return { ok: true, output: toJsonValue(output) };
	} catch (error) {
		if (!(error instanceof NotJsonError)) throw error;
		return {
			ok: false,
			error: {
				code: ExecutionErrorCode.Fatal,
				message: `The function's output is not JSON-serialisable: ${error.message}`,
			},
		};
	}
}

/** @param {string} modulePath */
function loadDefinition(modulePath) {
	let loading = modules.get(modulePath);
	if (!loading) {
		loading = import(pathToFileURL(modulePath).href).then(functionDefinitionOf);
		modules.set(modulePath, loading);
	}
	return loading;
}
