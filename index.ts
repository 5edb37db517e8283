// Programmatic entry point: the package's node and credential classes, as n8n loads them from
// the paths in package.json's `n8n` section.
export { XanoAsyncApi } from './credentials/XanoAsyncApi.credentials';
export { XanoAsyncLoginApi } from './credentials/XanoAsyncLoginApi.credentials';
export { XanoAsyncInvoke } from './nodes/XanoAsyncInvoke/XanoAsyncInvoke.node';
export { XanoAsyncAwait } from './nodes/XanoAsyncAwait/XanoAsyncAwait.node';
export { XanoBatchImport } from './nodes/XanoBatchImport/XanoBatchImport.node';
export { XanoAsyncTrigger } from './nodes/XanoAsyncTrigger/XanoAsyncTrigger.node';
