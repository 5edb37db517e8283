// @ts-check

/**
 * The canonical "send a welcome email" job: logs the email, and posts it when a URL is set.
 * A run that is repeated after a crash finds its log record and neither posts nor logs again. The
 * post carries the execution id as its Idempotency-Key, so an email service can tell a repeat from
 * a new email when the crash came between the post and the log record.
 */
export default {
	name: 'send_welcome_email',
	description:
		'Writes a welcome email to the email_log table and, when the server has a welcome email URL, posts it there.',
	input: [
		{ name: 'email', type: 'email', required: true },
		{ name: 'name', type: 'text', required: false },
	],
	/** @param {{ email: string, name?: string }} input @param {any} ctx */
	async handler(input, ctx) {
		const [earlier] = await ctx.db.query('email_log', {
			where: { execution_id: ctx.execution.id },
			limit: 1,
		});
		if (earlier) {
			return { email_log_id: earlier.id, to: earlier.to, delivered: earlier.status === 'sent' };
		}
		const message = {
			to: input.email,
			subject: `Welcome${input.name ? `, ${input.name}` : ''}!`,
			template: 'welcome',
		};
		const url = ctx.settings.welcome_email_url;
		let deliveredStatus = null;
		if (typeof url === 'string' && url !== '') {
			const response = await ctx.http.post(url, message, {
				timeoutMs: 10_000,
				headers: { 'idempotency-key': ctx.execution.id },
			});
			deliveredStatus = response.status;
			if (response.status >= 400) {
				throw Object.assign(new Error(`The email service answered ${response.status}.`), {
					code: 'ERROR_CODE_EMAIL_SERVICE',
					payload: { status: response.status },
				});
			}
		}
		const logged = await ctx.db.add('email_log', {
			...message,
			execution_id: ctx.execution.id,
			status: deliveredStatus === null ? 'logged' : 'sent',
		});
		return { email_log_id: logged.id, to: input.email, delivered: deliveredStatus !== null };
	},
};
