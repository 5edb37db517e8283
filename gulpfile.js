const { src, dest, parallel } = require('gulp');

// tsc emits only JavaScript; n8n also needs each node's icons and codex file beside it.
function copyIcons() {
	return src(['icons/**/*.svg'], { base: '.', encoding: false }).pipe(dest('dist'));
}

function copyNodeAssets() {
	return src(['nodes/**/*.svg', 'nodes/**/*.png', 'nodes/**/*.node.json'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

function copyCredentialAssets() {
	return src(['credentials/**/*.svg'], { base: '.', encoding: false, allowEmpty: true }).pipe(
		dest('dist'),
	);
}

exports['build:assets'] = parallel(copyIcons, copyNodeAssets, copyCredentialAssets);
exports.default = exports['build:assets'];
