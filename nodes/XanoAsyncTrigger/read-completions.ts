import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { executionPage } from '../shared/answers';
import { xanoApiRequest } from '../shared/transport';
import type { Execution, Page } from '../shared/types';
import { SEEN_LIMIT } from './completion-cursor';

/** The filters of `GET /async/executions` the user chose. */
export interface CompletionFilter {
	statuses: string[];
	functions: string[];
}

export interface CompletionRead {
	/** What was read, in the listing's order, up to the last new execution the bound allows. */
	executions: Execution[];
	/** The poll stopped at its bound (or its time budget) with more pages left. */
	truncated: boolean;
}

function filterQuery(filter: CompletionFilter): IDataObject {
	const qs: IDataObject = {};
	if (filter.statuses.length > 0) qs.status = filter.statuses.join(',');
	if (filter.functions.length > 0) qs.function = filter.functions.join(',');
	return qs;
}

async function readPage(
	context: IPollFunctions,
	filter: CompletionFilter,
	completedAfter: number | undefined,
	page: number,
	perPage: number,
): Promise<Page<Execution>> {
	const qs = filterQuery(filter);
	if (completedAfter !== undefined) qs.completed_after = Math.max(0, Math.floor(completedAfter));
	qs.page = page;
	qs.per_page = perPage;
	return await (xanoApiRequest<Page<Execution>>).call(context, {
		method: 'GET',
		endpoint: 'executions',
		qs,
		check: executionPage,
	});
}

/**
 * Reads the listing from `completedAfter` on, page after page, until the last page,
 * `maxExecutions` new ones (those `isNew` says were not emitted yet), its page bound or
 * `budgetMs`. Executions already emitted do not count against the bound, and the page and time
 * bounds apply only once a new one was found: a poll that stopped inside what earlier polls
 * emitted would read the same pages again next time, and never get past them. Any failed page
 * fails the whole read, so the caller never advances its cursor over a range it did not fully see.
 */
export async function readCompletions(
	context: IPollFunctions,
	filter: CompletionFilter,
	completedAfter: number,
	maxExecutions: number,
	isNew: (execution: Execution) => boolean,
	budgetMs: number,
): Promise<CompletionRead> {
	// At least one: a poll that may read nothing would never move on.
	const bound = Math.max(1, Math.floor(maxExecutions));
	const perPage = Math.min(1000, Math.max(100, bound));
	const maxPages = Math.ceil((SEEN_LIMIT + bound) / perPage) + 1;
	const startedAt = Date.now();
	const executions: Execution[] = [];
	const counted = new Set<string>();
	let page = 1;

	for (let pagesRead = 0; ; ) {
		const answer = await readPage(context, filter, completedAfter, page, perPage);
		pagesRead++;
		const items = Array.isArray(answer.items) ? answer.items : [];
		for (const execution of items) {
			executions.push(execution);
			if (!isNew(execution) || counted.has(execution.execution_id)) continue;
			counted.add(execution.execution_id);
			// Stop right after the last new one the bound allows: the watermark must not move past
			// new executions this poll leaves for the next.
			if (counted.size === bound) {
				const more = execution !== items[items.length - 1] || hasNextPage(answer);
				return { executions, truncated: more };
			}
		}
		if (!hasNextPage(answer) || items.length === 0) return { executions, truncated: false };
		const bounded =
			counted.size > 0
				? pagesRead >= maxPages || Date.now() - startedAt > budgetMs
				: pagesRead >= MAX_PAGES_WITHOUT_NEW;
		if (bounded) return { executions, truncated: true };
		page = answer.nextPage as number;
	}
}

/**
 * A backend that pages on forever must not hold a poll for good; no listing of what one trigger
 * emitted comes near this many pages.
 */
const MAX_PAGES_WITHOUT_NEW = 1_000;

function hasNextPage(answer: Page<Execution>): boolean {
	return answer.nextPage !== null && answer.nextPage !== undefined;
}

/** Windows the manual "fetch test event" looks through for the latest finished execution. */
const LATEST_WINDOWS_MS = [60_000, 3_600_000, 86_400_000, undefined];
const LATEST_MAX_PAGES = 10;

/**
 * The most recently completed execution matching the filter, or undefined. The listing runs
 * oldest first, so it pages to the end of the smallest recent window that holds anything.
 */
export async function readLatestCompletion(
	context: IPollFunctions,
	filter: CompletionFilter,
	nowMs: number,
): Promise<Execution | undefined> {
	for (const windowMs of LATEST_WINDOWS_MS) {
		const completedAfter = windowMs === undefined ? undefined : nowMs - windowMs;
		let latest: Execution | undefined;
		let page = 1;
		for (let pagesRead = 0; pagesRead < LATEST_MAX_PAGES; pagesRead++) {
			const answer = await readPage(context, filter, completedAfter, page, 1000);
			const items = Array.isArray(answer.items) ? answer.items : [];
			if (items.length > 0) latest = items[items.length - 1];
			if (answer.nextPage === null || answer.nextPage === undefined || items.length === 0) break;
			page = answer.nextPage;
		}
		if (latest !== undefined) return latest;
	}
	return undefined;
}
