// @ts-check

/** The canonical "send a welcome email" job: logs the email, and posts it when a URL is set. */
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
		const message = {
			to: input.email,
			subject: `Welcome${input.name ? `, ${input.name}` : ''}!`,
			template: 'welcome',
		};
		const url = ctx.settings.welcome_email_url;
		let deliveredStatus = null;
		if (typeof url === 'string' && url !== '') {
			const response = await ctx.http.post(url, message, { timeoutMs: 10_000 });
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
