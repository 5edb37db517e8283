// Runs n8n's community package scanner (the checks n8n applies before a package can be verified)
// on this package as npm would publish it: packs it, unpacks the tarball into a temporary folder
// and analyses that folder. The scanner's CLI only takes a published package name, so this calls
// the same analysis it uses on a local folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'xano-async-scan-'));
try {
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
		}),
	);
	const tarball = join(work, packed[0].filename);
	execFileSync('tar', ['xzf', tarball, '-C', work]);
	const packageDir = join(work, 'package');

	const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
	const problems = [];
	if (Object.keys(manifest.dependencies ?? {}).length > 0) {
		problems.push(`runtime dependencies are not allowed: ${Object.keys(manifest.dependencies)}`);
	}
	for (const path of [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])]) {
		if (!existsSync(join(packageDir, path)))
			problems.push(`n8n section names a missing file: ${path}`);
	}
	for (const file of packed[0].files.map((f) => f.path)) {
		const allowed =
			file.startsWith('dist/') ||
			/^(package\.json|README\.md|LICENSE(\.md)?|CHANGELOG\.md)$/.test(file);
		if (!allowed) problems.push(`unexpected file in the package: ${file}`);
	}

	// The scanner lints two things: the source files of the repository and the published files.
	const sourceResult = await analyzePackage(root, SOURCE_FILE_PATTERNS);
	const packedResult = await analyzePackage(packageDir, ['**/*.js', 'package.json']);
	for (const [what, result] of [
		['source', sourceResult],
		['packed package', packedResult],
	]) {
		if (!result.passed)
			problems.push(`scanner (${what}): ${result.message}\n${result.details ?? ''}`);
	}

	if (problems.length > 0) {
		process.stderr.write(`Package scan failed:\n- ${problems.join('\n- ')}\n`);
		process.exitCode = 1;
	} else {
		process.stdout.write(
			`Package scan passed: ${packed[0].entryCount} files, ${packed[0].size} bytes packed, no runtime dependencies.\n`,
		);
	}
} finally {
	rmSync(work, { recursive: true, force: true });
}
