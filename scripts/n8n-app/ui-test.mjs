// The browser half of scripts/test-ui.sh: drives the real n8n editor (with this package installed
// as a community package) through Debian's chromium with playwright-core, as a user would, and
// takes a screenshot at each step.
//
//   node ui-test.mjs <n8n URL> <emulator state.json> <screenshot dir> <chromium path>
//
// Selectors are n8n's own data-test-id attributes (read from the editor's DOM and bundle), or
// the labels a user reads. Every request the page makes to anything but 127.0.0.1 is aborted
// (and listed at the end). Each check prints PASS or FAIL with what it saw; counting and the
// closing line `N passed, N failed` (also after a crash or the time limit) are checks.mjs's.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { CheckError, check as countedCheck, expect, runChecks } from './checks.mjs';

const [baseUrl, stateFile, artifacts, chromiumPath = '/usr/bin/chromium'] = process.argv.slice(2);
if (!baseUrl || !stateFile || !artifacts) {
	console.error(
		'usage: node ui-test.mjs <n8n URL> <emulator state.json> <screenshot dir> [chromium]',
	);
	process.exit(2);
}
const state = JSON.parse(readFileSync(stateFile, 'utf8'));
const OWNER = {
	email: 'owner@example.com',
	firstName: 'Ada',
	lastName: 'Tester',
	password: 'Feishu-Images-1',
};
const UNKNOWN_BOARD = 'NoSuchBoard0000000000';
const TIMEOUT = 30_000;

// What the node should show, from the built package itself: each operation's action name (the
// label in the node creator) and the parameters shown for it.
const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { FeishuImages } = require(path.join(root, 'dist/nodes/FeishuImages/FeishuImages.node.js'));
const description = new FeishuImages().description;
const { FeishuImagesTrigger } = require(
	path.join(root, 'dist/nodes/FeishuImagesTrigger/FeishuImagesTrigger.node.js'),
);
const triggerDescription = new FeishuImagesTrigger().description;
// n8n lists a "X Trigger" node under X's entry as "On new X event".
const TRIGGER_ACTION = 'On new Feishu Images event';
const packageName = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).name;
const APP_ONLY_RESOURCES =
	description.properties.find((p) => p.name === 'authentication')?.displayOptions?.hide?.resource ??
	[];
const resourceOptions = description.properties.find((p) => p.name === 'resource').options;
const operations = description.properties
	.filter((p) => p.name === 'operation')
	.flatMap((p) =>
		p.options.map((o) => ({
			resource: p.displayOptions.show.resource[0],
			resourceName: resourceOptions.find((r) => r.value === p.displayOptions.show.resource[0]).name,
			operation: o.value,
			operationName: o.name,
			action: o.action,
		})),
	);
for (const op of operations) {
	op.fields = description.properties
		.filter(
			(p) =>
				p.name !== 'operation' &&
				p.name !== 'authentication' &&
				p.displayOptions?.show?.resource?.includes(op.resource) &&
				p.displayOptions?.show?.operation?.includes(op.operation),
		)
		.map((p) => p.name);
}

// ---- checks and screenshots ---------------------------------------------------------------

let shots = 0;
let page;

async function shot(name) {
	const file = path.join(artifacts, `${String(++shots).padStart(2, '0')}-${name}.png`);
	await page.screenshot({ path: file }).catch(() => undefined);
	return path.basename(file);
}

/** One check; a failed one leaves a screenshot. */
const check = (name, fn) =>
	countedCheck(name, fn, {
		onFail: async () =>
			` (screenshot ${await shot(`FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`)})`,
	});

const testId = (id) => `[data-test-id="${id}"]`;
const ndv = () => page.locator(testId('ndv'));
const params = () => page.locator(testId('node-parameters'));

async function visible(locator, timeout = TIMEOUT) {
	try {
		await locator.first().waitFor({ state: 'visible', timeout });
		return true;
	} catch {
		return false;
	}
}

// ---- the steps ----------------------------------------------------------------------------

async function ownerSetup() {
	await page.goto(`${baseUrl}/setup`);
	await page.locator(testId('setup-form')).waitFor({ timeout: 30_000 });
	for (const [name, value] of Object.entries(OWNER)) {
		await page.locator(`${testId('setup-form')} input[name="${name}"]`).fill(value);
	}
	await shot('owner-setup-form');
	await page.locator(testId('form-submit-button')).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/setup'), { timeout: TIMEOUT });
	await page.waitForLoadState('networkidle').catch(() => undefined);
	await shot('owner-setup-done');
	return `owner ${OWNER.email} created, now at ${new URL(page.url()).pathname}`;
}

/** A new credential of this type with Domain "Custom Base URL" = the emulator, and these fields. */
async function newEmulatorCredential(typeName, fields) {
	await openNewCredential(typeName);
	await chooseOption('parameter-input-domain', 'Custom Base URL');
	await credentialInput('customBaseUrl').fill(state.baseUrl);
	for (const [name, value] of Object.entries(fields)) await credentialInput(name).fill(value);
}

async function openNewCredential(typeName) {
	await page.goto(`${baseUrl}/home/credentials/create`);
	await page.locator(testId('new-credential-type-select')).click();
	await page.keyboard.type(typeName);
	await page
		.locator(testId('new-credential-type-select-option'), { hasText: new RegExp(`^${typeName}$`) })
		.click();
	await page.locator(testId('new-credential-type-button')).click();
	await page.locator(testId('editCredential-modal')).waitFor({ timeout: TIMEOUT });
}

async function chooseOption(parameterTestId, optionName) {
	await page.locator(testId(parameterTestId)).click();
	// An option with a description is named by both: match it by its title too.
	await page
		.getByRole('option', { name: optionName, exact: true })
		.or(page.getByRole('option').filter({ has: page.getByText(optionName, { exact: true }) }))
		.first()
		.click();
}

const credentialInput = (name) => page.locator(`${testId(`parameter-input-${name}`)} input`);

/** Save runs n8n's credential test: wait for its answer, then read the banner it left. */
async function saveCredentialAndWaitForTest() {
	const tested = page.waitForResponse((r) => r.url().includes('/rest/credentials/test'), {
		timeout: 30_000,
	});
	await page.locator(testId('credential-save-button')).click();
	await tested;
	await page.waitForTimeout(500);
	const modal = page.locator(testId('editCredential-modal'));
	const success = modal.getByText('Connection tested successfully');
	const failure = modal.getByText(/Couldn.t connect with these settings/);
	return { success: await success.isVisible(), failure: await failure.isVisible() };
}

async function apiCredential() {
	await newEmulatorCredential('Feishu API', { appId: state.appId, appSecret: state.appSecret });
	await shot('credential-filled');
	const result = await saveCredentialAndWaitForTest();
	await shot('credential-tested');
	expect(
		result.success,
		`no "Connection tested successfully" after Save (failure banner: ${result.failure})`,
	);
	return `Domain "Custom Base URL" = ${state.baseUrl}: "Connection tested successfully"`;
}

async function wrongSecret() {
	await credentialInput('appSecret').fill('wrong-secret-for-the-test');
	const result = await saveCredentialAndWaitForTest();
	expect(result.failure, 'no "Couldn’t connect" banner for a wrong App Secret');
	const modal = page.locator(testId('editCredential-modal'));
	// n8n folds a long message behind "More details".
	const more = modal.getByText('More details');
	if (await visible(more, 2000)) {
		await more.click();
		await page.waitForTimeout(500);
	}
	const text = await page.locator(testId('node-credentials-config-container')).innerText();
	const details = text
		.slice(text.search(/Couldn.t connect/))
		.split('\n')
		.slice(0, 4)
		.join(' ')
		.replace(/\s+/g, ' ');
	await shot('credential-wrong-secret');
	expect(
		/secret/i.test(details),
		`the message does not name the App Secret: "${details.slice(0, 160)}"`,
	);
	return `"${details.slice(0, 160)}"`;
}

async function restoreSecret() {
	await credentialInput('appSecret').fill(state.appSecret);
	const result = await saveCredentialAndWaitForTest();
	expect(result.success, 'the credential does not test successfully again');
	await page.keyboard.press('Escape');
	await page
		.locator(testId('editCredential-modal'))
		.waitFor({ state: 'hidden', timeout: TIMEOUT })
		.catch(() => undefined);
	return 'correct secret saved again, "Connection tested successfully"';
}

/**
 * The node creator lists the two nodes as one entry, "Feishu Images" (n8n pairs a node with its
 * "… Trigger"): Triggers ("On new Feishu Images event") and Actions. On an empty canvas it opens
 * with the actions folded: unfold them.
 */
async function searchFeishu(creator) {
	// Filled, not typed: on a busy machine keystrokes can arrive before the search box has the focus.
	await creator.locator('input').first().fill('Feishu');
}

async function openFeishuEntry(creator) {
	await searchFeishu(creator);
	await creator.getByText('Feishu Images', { exact: true }).first().click();
	await creator
		.getByText(/^Triggers \(\d+\)$/)
		.first()
		.waitFor({ timeout: TIMEOUT })
		.catch(() => undefined);
}

async function showActions(creator, action) {
	const item = creator.getByText(action, { exact: true });
	if (await visible(item, 1500)) return item;
	await creator
		.getByText(/^Actions \(\d+\)$/)
		.first()
		.click();
	return item;
}

async function addFeishuNode(action, fromCanvasButton) {
	if (fromCanvasButton) await page.locator(testId('canvas-add-button')).click();
	else await page.locator(testId('node-creator-plus-button')).click();
	const creator = page.locator(testId('node-creator'));
	await creator.waitFor({ timeout: TIMEOUT });
	await openFeishuEntry(creator);
	await (await showActions(creator, action)).click();
	await ndv().waitFor({ timeout: TIMEOUT });
	await params().waitFor({ timeout: TIMEOUT });
}

async function nodeCreator() {
	await page.goto(`${baseUrl}/workflow/new`);
	await page.locator(testId('canvas-add-button')).click();
	const creator = page.locator(testId('node-creator'));
	await creator.waitFor({ timeout: TIMEOUT });
	await searchFeishu(creator);
	const item = creator.getByText('Feishu Images', { exact: true });
	expect(await visible(item), 'searching "Feishu" does not list Feishu Images');
	await shot('node-creator-search');
	await item.click();
	await showActions(creator, operations[0].action);
	const trigger = await visible(creator.getByText(TRIGGER_ACTION, { exact: true }), 3000);
	const missing = trigger ? [] : [`the trigger "${TRIGGER_ACTION}"`];
	for (const op of operations) {
		if (!(await visible(creator.getByText(op.action, { exact: true }), 3000)))
			missing.push(op.action);
	}
	await shot('node-creator-actions');
	expect(missing.length === 0, `actions missing from the node creator: ${missing.join('; ')}`);
	await creator.getByText(operations[0].action, { exact: true }).click();
	await ndv().waitFor({ timeout: TIMEOUT });
	await params().waitFor({ timeout: TIMEOUT });
	await page.waitForTimeout(500);
	await shot('node-panel');
	return `"Feishu Images" found; its trigger "${TRIGGER_ACTION}" and ${operations.length} actions listed; "${operations[0].action}" added and opened`;
}

async function resourceAndOperationVisible() {
	const text = await params().innerText();
	const missing = [];
	for (const [name, label] of [
		['resource', 'Resource'],
		['operation', 'Operation'],
	]) {
		const input = params().locator(testId(`parameter-input-${name}`));
		if (!(await visible(input, 2000)) || !text.split('\n').includes(label)) missing.push(label);
	}
	expect(
		missing.length === 0,
		`${missing.join(' and ')} not in the parameter panel (it shows: ${text.split('\n').filter(Boolean).slice(0, 8).join(' | ')})`,
	);
	return 'labels "Resource" and "Operation" and their inputs are in the parameter panel';
}

async function switchResource() {
	const resource = params().locator(testId('parameter-input-resource'));
	expect(await visible(resource, 2000), 'cannot switch: no Resource input in the panel');
	const other = operations.find((op) => op.resource !== operations[0].resource);
	await chooseOption('parameter-input-resource', other.resourceName);
	const shownOther = await visible(params().locator(testId(`parameter-input-${other.fields[0]}`)));
	const goneFirst = !(await params()
		.locator(testId(`parameter-input-${operations[0].fields[0]}`))
		.isVisible());
	await shot('node-panel-switched-resource');
	await chooseOption('parameter-input-resource', operations[0].resourceName);
	await visible(params().locator(testId(`parameter-input-${operations[0].fields[0]}`)));
	expect(
		shownOther && goneFirst,
		`Resource "${other.resourceName}" did not swap the fields (${other.fields[0]} shown: ${shownOther}, ${operations[0].fields[0]} gone: ${goneFirst})`,
	);
	return `Resource "${other.resourceName}" shows ${other.fields.join(', ')} instead of ${operations[0].fields.join(', ')}, and back`;
}

const boardLocator = () => params().locator(testId('resource-locator-whiteboardId'));
const boardInput = () => boardLocator().locator(testId('rlc-input'));

async function setBoardMode(mode) {
	await boardLocator().locator(testId('rlc-mode-selector')).click();
	await page.locator(testId(`mode-${mode}`)).click();
}

/** The text of the tooltip that hovering the field's issue icon opens (undefined: no icon). */
async function issueText() {
	const issue = boardLocator().locator(testId('parameter-issues'));
	if (!(await visible(issue, 2000))) return undefined;
	await issue.locator('span').first().hover();
	const tooltip = page.locator('.n8n-tooltip:visible');
	if (!(await visible(tooltip, 3000))) return '(an issue icon, no tooltip)';
	return (await tooltip.first().innerText()).replace(/\s+/g, ' ').trim();
}

/** Types a value into the Whiteboard ID field and waits until n8n has re-validated it. */
async function setBoardValue(value) {
	await boardInput().fill(value);
	await boardInput().blur();
	await page.waitForTimeout(800);
	await page.mouse.move(0, 0);
}

async function byUrl() {
	await setBoardMode('url');
	await setBoardValue('https://example.com/not-a-board');
	const invalid = await issueText();
	await shot('by-url-invalid');
	const link = `https://acme.feishu.cn/board/${state.whiteboardId}`;
	await setBoardValue(link);
	const valid = await issueText();
	await shot('by-url-valid');
	expect(invalid !== undefined, 'an invalid link shows no validation issue');
	expect(/feishu|lark|link/i.test(invalid), `the validation message says "${invalid}"`);
	expect(valid === undefined, `a valid link is flagged: "${valid}"`);
	return `invalid link: "${invalid.slice(0, 120)}"; ${link} accepted`;
}

async function executeStep() {
	const output = page.locator(testId('output-panel'));
	await ndv().locator(testId('node-execute-button')).click();
	const done = await visible(output.locator(testId('ndv-items-count')), 30_000);
	expect(done, 'Execute step produced no output');
	return output;
}

async function binaryOutput() {
	const output = await executeStep();
	const error = output.locator(testId('node-error-message'));
	expect(!(await error.isVisible()), `the node failed: ${await error.innerText().catch(() => '')}`);
	const binaryTab = output
		.locator(testId('ndv-run-data-display-mode'))
		.getByText('Binary', { exact: true });
	if (await visible(binaryTab, 3000)) await binaryTab.click();
	const card = output.locator(testId('ndv-binary-data_0'));
	expect(await visible(card), 'no binary card in the output (Binary tab)');
	const text = (await card.innerText()).replace(/\s+/g, ' ');
	await shot('binary-output');
	const problems = [];
	if (!text.includes(state.fileName)) problems.push(`file name ${state.fileName}`);
	if (!text.includes(state.mimeType)) problems.push(`MIME ${state.mimeType}`);
	if (!/\d+(\.\d+)?\s*(B|kB|KB|MB)\b/.test(text)) problems.push('a size');
	expect(problems.length === 0, `the binary card lacks ${problems.join(', ')}: "${text}"`);
	await card.locator(testId('ndv-view-binary-data')).click();
	const img = page.locator('img[src*="binary-data"]');
	expect(await visible(img), '"View" shows no image');
	const size = await img
		.first()
		.evaluate((el) => ({ w: el.naturalWidth, h: el.naturalHeight, src: el.src }));
	await page.waitForTimeout(500);
	await shot('binary-view');
	expect(size.w > 0 && size.h > 0, `the image did not load (${size.src})`);
	await page.keyboard.press('Escape');
	return `card: "${text.slice(0, 120)}"; View opens the ${size.w}x${size.h} image`;
}

async function errorItem() {
	if (!(await ndv().isVisible())) {
		await page.locator(testId('canvas-node'), { hasText: operations[0].action }).first().dblclick();
		await params().waitFor({ timeout: TIMEOUT });
	}
	await setBoardMode('id');
	await setBoardValue(UNKNOWN_BOARD);
	const output = await executeStep();
	const message = output.locator(testId('node-error-message'));
	expect(await visible(message), 'no error message in the output panel');
	const details = output.getByText('Error details');
	if (await visible(details, 2000)) await details.first().click();
	await page.waitForTimeout(500);
	const text = (await output.innerText()).replace(/\s+/g, ' ');
	await shot('error-item');
	const problems = [];
	if (!/2890003|not (be )?found|does not exist|missing/i.test(text))
		problems.push('the Feishu error (2890003, not found)');
	if (!/block\.token|block_type|whiteboard ID/i.test(text)) problems.push('the hint');
	if (!/log[ _-]?id/i.test(text)) problems.push('the log ID');
	expect(
		problems.length === 0,
		`the error panel lacks ${problems.join(', ')}: "${text.slice(0, 300)}"`,
	);
	return `"${(await message.innerText()).slice(0, 150)}" with hint and log ID`;
}

async function eachOperation() {
	await page.keyboard.press('Escape');
	await ndv()
		.waitFor({ state: 'hidden', timeout: TIMEOUT })
		.catch(() => undefined);
	const problems = [];
	const seen = [];
	for (const op of operations) {
		await addFeishuNode(op.action, false);
		const missing = [];
		for (const field of op.fields) {
			if (!(await visible(params().locator(testId(`parameter-input-${field}`)), 3000)))
				missing.push(field);
		}
		await shot(`fields-${op.resource}-${op.operation}`);
		if (missing.length) problems.push(`${op.action}: no ${missing.join(', ')}`);
		else seen.push(`${op.resourceName}/${op.operationName}: ${op.fields.join(', ')}`);
		await page.keyboard.press('Escape');
		await ndv()
			.waitFor({ state: 'hidden', timeout: TIMEOUT })
			.catch(() => undefined);
	}
	expect(problems.length === 0, problems.join('; '));
	return seen.join('; ');
}

async function oauthConnect(context) {
	await newEmulatorCredential('Feishu OAuth2 API', {
		clientId: state.appId,
		clientSecret: state.appSecret,
	});
	await shot('oauth2-credential');
	const modal = page.locator(testId('editCredential-modal'));
	// "Connect my account" (the OAuth button) or the "Connect" of n8n 2.x's not-connected banner.
	const connect = modal
		.getByRole('button', { name: /connect my account/i })
		.or(
			modal.locator(testId('oauth-not-connected-banner')).getByRole('button', { name: /connect/i }),
		);
	if (!(await visible(connect, 3000))) {
		// n8n shows the button once the credential is saved.
		await page.locator(testId('credential-save-button')).click();
	}
	expect(await visible(connect), 'no "Connect my account" button');
	await connect.first().scrollIntoViewIfNeeded();
	await shot('oauth2-connect-button');
	const [popup] = await Promise.all([
		context.waitForEvent('page', { timeout: TIMEOUT }),
		connect.first().click(),
	]);
	const authorizePath = '/open-apis/authen/v1/authorize';
	await popup
		.waitForURL((url) => url.pathname === authorizePath, { timeout: TIMEOUT })
		.catch(() => undefined);
	const url = new URL(popup.url());
	const status = await popup
		.evaluate(() => performance.getEntriesByType('navigation')[0]?.responseStatus ?? 0)
		.catch(() => 0);
	const problems = [];
	if (`${url.origin}${url.pathname}` !== `${state.baseUrl}${authorizePath}`)
		problems.push(
			`popup at ${url.origin}${url.pathname}, expected ${state.baseUrl}${authorizePath}`,
		);
	if (url.searchParams.get('client_id') !== state.appId) problems.push('client_id');
	if (!url.searchParams.get('redirect_uri')?.includes('/rest/oauth2-credential/callback'))
		problems.push('redirect_uri');
	if (!url.searchParams.get('state')) problems.push('state');
	if (!/offline_access/.test(url.searchParams.get('scope') ?? ''))
		problems.push('scope offline_access');
	const popupShot = path.join(artifacts, `${String(++shots).padStart(2, '0')}-oauth2-popup.png`);
	await popup.screenshot({ path: popupShot }).catch(() => undefined);
	expect(problems.length === 0, `authorize URL: ${problems.join(', ')} (${popup.url()})`);
	const button = popup.locator('#authorize');
	expect(
		await visible(button),
		`the emulator's consent page at GET ${authorizePath} shows no #authorize button (HTTP ${status || 'unknown'})`,
	);
	await Promise.all([
		popup.waitForEvent('close', { timeout: TIMEOUT }).catch(() => undefined),
		button.click(),
	]);
	const connected = modal.locator(testId('oauth-connect-success-banner'));
	expect(
		await visible(connected),
		'after consent, the credential does not say "Account connected"',
	);
	await shot('oauth2-connected');
	return 'popup to the authorize URL; consent; n8n exchanged the code: "Account connected"';
}

/** The saved credentials' names by type, as n8n's REST API lists them to the signed-in owner. */
async function credentialNames() {
	// As the editor asks: its session cookie plus the browser-id header n8n binds the session to.
	const { status, body } = await page.evaluate(async () => {
		const response = await fetch('/rest/credentials', {
			headers: { 'browser-id': localStorage.getItem('n8n-browserId') ?? '' },
		});
		return { status: response.status, body: await response.text() };
	});
	const data = status === 200 ? JSON.parse(body).data : undefined;
	expect(
		Array.isArray(data),
		`GET /rest/credentials answered HTTP ${status}: ${body.slice(0, 200)}`,
	);
	const byType = (type) => data.find((c) => c.type === type)?.name;
	return { api: byType('feishuApi'), oauth: byType('feishuOAuth2Api') };
}

/** The NDV's credential selector: the name it shows, and the credentials its list offers. */
async function credentialChoices() {
	const select = ndv().locator(testId('node-credentials-select')).first();
	await select.waitFor({ timeout: TIMEOUT });
	const shown = (
		(await select
			.locator('input')
			.inputValue()
			.catch(() => '')) || (await select.innerText())
	).trim();
	// Only the open dropdown's items: a closed one's stay in the DOM, hidden.
	const options = page.locator(
		'[data-test-id^="node-credentials-select-item-"]:not([data-test-id$="-new"]):visible',
	);
	for (let attempt = 0; attempt < 3; attempt++) {
		await select.click();
		if (await visible(options, 3000)) break;
	}
	const offered = (await options.allInnerTexts()).map((t) => t.trim()).filter(Boolean);
	return { select, shown, offered };
}

async function closeNdv() {
	if (!(await ndv().isVisible())) return;
	// Escape closes the panel only when no input inside it has the focus.
	await ndv().getByText('Parameters', { exact: true }).first().click();
	await page.keyboard.press('Escape');
	await ndv()
		.waitFor({ state: 'hidden', timeout: TIMEOUT })
		.catch(() => undefined);
}

/** Picks a credential by name in the open NDV's credential selector. */
async function pickCredential(name) {
	await credentialChoices();
	await page
		.locator('[data-test-id^="node-credentials-select-item-"]:visible', { hasText: name })
		.first()
		.click();
	await page.waitForTimeout(300);
}

/** Authentication, Resource and Operation as plain fields in the open NDV (true: shown). */
async function plainFields() {
	const shown = {};
	for (const name of ['authentication', 'resource', 'operation'])
		shown[name] = await params()
			.locator(testId(`parameter-input-${name}`))
			.first()
			.isVisible();
	return shown;
}

/** The NDV's credential selects: how many, and the name each shows. */
async function credentialSelects() {
	const selects = ndv().locator(testId('node-credentials-select'));
	await selects
		.first()
		.waitFor({ timeout: TIMEOUT })
		.catch(() => undefined);
	const names = [];
	for (const select of await selects.all()) {
		names.push(
			(
				(await select
					.locator('input')
					.inputValue()
					.catch(() => '')) || (await select.innerText())
			).trim(),
		);
	}
	return names;
}

/**
 * With both credentials saved (the OAuth2 one newest), a new node on a resource Feishu serves to
 * the app only shows no Authentication field and preselects the Feishu API credential; Resource
 * and Operation stay plain fields (n8n folds nothing into the credential select: the node's
 * credentials carry `hide` conditions only); the old app-only notice is gone.
 */
async function appOnlyResources() {
	const names = await credentialNames();
	expect(names.api && names.oauth, `both credentials should be saved (${JSON.stringify(names)})`);
	const problems = [];
	const seen = [];
	for (const resource of APP_ONLY_RESOURCES) {
		const op = operations.find((o) => o.resource === resource);
		await page.goto(`${baseUrl}/workflow/new`);
		await addFeishuNode(op.action, true);
		await page.waitForTimeout(500);
		const fields = await plainFields();
		const selects = await credentialSelects();
		const text = await params().innerText();
		await shot(`app-only-${resource}`);
		const bad = [];
		if (fields.authentication) bad.push('an Authentication field');
		if (!fields.resource || !fields.operation) bad.push('no plain Resource/Operation field');
		if (selects.length !== 1 || selects[0] !== names.api)
			bad.push(`credential select(s) ${JSON.stringify(selects)}, expected ["${names.api}"]`);
		if (/app identity only/i.test(text)) bad.push('an app-only notice');
		if (bad.length) problems.push(`${op.resourceName}: ${bad.join(', ')}`);
		else seen.push(op.resourceName);
		await closeNdv();
	}
	expect(problems.length === 0, problems.join('; '));
	return `${seen.join(', ')}: no Authentication field, Resource and Operation plain, "${names.api}" preselected, no notice`;
}

/** Where Feishu takes a user token, Authentication shows; User (OAuth2) offers the OAuth2 credential only. */
async function userCapableResources() {
	const names = await credentialNames();
	const problems = [];
	const seen = [];
	const resources = [...new Set(operations.map((o) => o.resource))].filter(
		(r) => !APP_ONLY_RESOURCES.includes(r),
	);
	for (const resource of resources) {
		const op = operations.find((o) => o.resource === resource);
		await page.goto(`${baseUrl}/workflow/new`);
		await addFeishuNode(op.action, true);
		await page.waitForTimeout(500);
		const fields = await plainFields();
		const asApp = await credentialSelects();
		if (!fields.authentication || !fields.resource || !fields.operation) {
			problems.push(`${op.resourceName}: fields shown ${JSON.stringify(fields)}`);
			await shot(`user-capable-${resource}`);
			await closeNdv();
			continue;
		}
		await chooseOption('parameter-input-authentication', 'User (OAuth2)');
		await page.waitForTimeout(500);
		const asUser = await credentialSelects();
		const { offered } = await credentialChoices();
		await shot(`user-capable-${resource}-user`);
		await page.keyboard.press('Escape');
		const bad = [];
		if (asApp.length !== 1 || asApp[0] !== names.api) bad.push(`as App: ${JSON.stringify(asApp)}`);
		if (asUser.length !== 1) bad.push(`as User: ${asUser.length} credential selects`);
		// Each item reads "<name>\n<type>": "Feishu account 2" contains "Feishu account".
		const offeredNames = offered.map((o) => o.split('\n')[0].trim());
		if (!offeredNames.includes(names.oauth) || offeredNames.includes(names.api))
			bad.push(`as User offers ${JSON.stringify(offered)}`);
		if (bad.length) problems.push(`${op.resourceName}: ${bad.join(', ')}`);
		else seen.push(op.resourceName);
		await closeNdv();
	}
	expect(problems.length === 0, problems.join('; '));
	return `${seen.join(', ')}: Authentication shown; App → "${names.api}", User (OAuth2) → only "${names.oauth}"`;
}

/** User (OAuth2) on a whiteboard node: Execute step downloads with the user token. */
async function userTokenDownload() {
	const oauthCredentialName = (await credentialNames()).oauth;
	// A workflow of its own: the nodes left half-filled by the last step would stop the run.
	await page.goto(`${baseUrl}/workflow/new`);
	await addFeishuNode('Download a whiteboard as an image', true);
	await chooseOption('parameter-input-authentication', 'User (OAuth2)');
	await page.waitForTimeout(500);
	const selects = await credentialSelects();
	if (selects[0] !== oauthCredentialName) await pickCredential(oauthCredentialName);
	expect(
		(await credentialSelects())[0] === oauthCredentialName,
		`the OAuth2 credential is not selected on a whiteboard node (${JSON.stringify(await credentialSelects())})`,
	);
	await setBoardMode('id');
	await setBoardValue(state.whiteboardId);
	const before = await emulator('stats');
	const output = await executeStep();
	const error = output.locator(testId('node-error-message'));
	expect(!(await error.isVisible()), `the node failed: ${await error.innerText().catch(() => '')}`);
	await shot('user-token-download');
	const after = await emulator('stats');
	const downloads = (after.downloads?.whiteboard ?? 0) - (before.downloads?.whiteboard ?? 0);
	expect(downloads >= 1, `the emulator saw no whiteboard download (${downloads})`);
	expect(
		after.tokenRequests === before.tokenRequests,
		'a tenant token was fetched: the download did not use the user identity',
	);
	const bearers = await emulator('bearers', 'whiteboard');
	expect(
		bearers.at(-1) === 'user',
		`the last whiteboard download carried a ${bearers.at(-1)} token, not the user's`,
	);
	return `Authentication "User (OAuth2)", "${oauthCredentialName}" ${selects[0] === oauthCredentialName ? 'preselected' : 'picked'}; Execute step: ${downloads} whiteboard download(s), no tenant token fetched`;
}

/** One call of the emulator process's control door. */
async function emulator(method, ...args) {
	const response = await fetch(`${state.controlUrl}/${method}`, {
		method: 'POST',
		body: JSON.stringify(args),
	});
	const body = await response.json();
	if (!response.ok) throw new Error(`emulator ${method}: ${JSON.stringify(body)}`);
	return body;
}

/** n8n's REST API as the signed-in editor calls it (its session cookie and browser-id header). */
async function rest(method, url, body) {
	const { status, text } = await page.evaluate(
		async ([method, url, body]) => {
			const response = await fetch(url, {
				method,
				headers: {
					'browser-id': localStorage.getItem('n8n-browserId') ?? '',
					'content-type': 'application/json',
				},
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			return { status: response.status, text: await response.text() };
		},
		[method, url, body],
	);
	expect(status >= 200 && status < 300, `${method} ${url}: HTTP ${status} ${text.slice(0, 300)}`);
	return JSON.parse(text).data;
}

async function credentialIds() {
	const data = await rest('GET', '/rest/credentials');
	const byType = (type) => data.find((c) => c.type === type);
	return { api: byType('feishuApi'), oauth: byType('feishuOAuth2Api') };
}

/**
 * A workflow saved by an older version: a Message Image node with Authentication "User (OAuth2)"
 * (now hidden there) and both credentials. It opens with no Authentication field and the
 * Feishu API credential, and Execute step downloads the picture as the app.
 */
async function savedUserIdentityOnAppOnly() {
	const { api, oauth } = await credentialIds();
	const key = 'img_v3_saved_as_user';
	await emulator('addFiles', 'messageImage', [key]);
	const op = operations.find((o) => o.resource === 'messageImage');
	const fields = Object.fromEntries(
		op.fields.map((f) => [f, { __rl: true, mode: 'id', value: key }]),
	);
	const workflow = await rest('POST', '/rest/workflows', {
		name: 'Saved with the user identity on Message Image',
		nodes: [
			{
				id: '5b7c1c9e-0a0b-4c51-9d1e-5aa1f0c0ffee',
				name: 'Feishu Images',
				type: 'n8n-nodes-feishu-images.feishuImages',
				typeVersion: 1,
				position: [0, 0],
				parameters: {
					authentication: 'userToken',
					resource: 'messageImage',
					operation: op.operation,
					...fields,
				},
				credentials: {
					feishuApi: { id: api.id, name: api.name },
					feishuOAuth2Api: { id: oauth.id, name: oauth.name },
				},
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
		active: false,
	});
	await page.goto(`${baseUrl}/workflow/${workflow.id}`);
	const node = page.locator(testId('canvas-node')).first();
	expect(await visible(node), 'the saved workflow shows no node');
	await node.dblclick();
	await params().waitFor({ timeout: TIMEOUT });
	await page.waitForTimeout(500);
	const shown = await plainFields();
	const selects = await credentialSelects();
	const before = await emulator('stats');
	const output = await executeStep();
	await shot('saved-user-identity-app-only');
	const error = output.locator(testId('node-error-message'));
	expect(!(await error.isVisible()), `the node failed: ${await error.innerText().catch(() => '')}`);
	const after = await emulator('stats');
	const downloads = (after.downloads?.messageImage ?? 0) - (before.downloads?.messageImage ?? 0);
	const problems = [];
	if (shown.authentication) problems.push('an Authentication field shows');
	if (selects.length !== 1 || selects[0] !== api.name)
		problems.push(`credential select(s) ${JSON.stringify(selects)}`);
	if (downloads < 1) problems.push('no message image download');
	const bearers = await emulator('bearers', 'messageImage');
	if (bearers.length < 1 || bearers.some((b) => b !== 'tenant'))
		problems.push(
			`message image requests carried ${JSON.stringify(bearers)} tokens, not the tenant's`,
		);
	expect(problems.length === 0, problems.join('; '));
	await closeNdv();
	return `loads with no Authentication field, "${api.name}" shown; Execute step: ${downloads} download(s), bearer: ${[...new Set(bearers)].join(', ')}`;
}

// ---- the trigger ------------------------------------------------------------------------

const TRIGGER_TYPE = `${packageName}.feishuImagesTrigger`;
const docsImages = path.join(root, 'docs/images');
mkdirSync(docsImages, { recursive: true });

/** A README picture: the open node panel alone (besides the numbered screenshot of the page). */
async function docShot(name) {
	await shot(name.replace(/\.png$/, ''));
	await ndv().screenshot({ path: path.join(docsImages, name) });
	return `docs/images/${name}`;
}

async function pollUntil(what, fn, timeoutMs = 20_000) {
	const until = Date.now() + timeoutMs;
	let last;
	while (Date.now() < until) {
		last = await fn();
		if (last.ok) return last;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new CheckError(`${what}: still ${JSON.stringify(last?.value ?? last)}`);
}

let triggerWorkflowUrl;

async function triggerPanel() {
	expect(
		triggerDescription.name === 'feishuImagesTrigger',
		`the built package names the trigger ${triggerDescription.name}`,
	);
	await page.goto(`${baseUrl}/workflow/new`);
	await page.locator(testId('canvas-add-button')).click();
	const creator = page.locator(testId('node-creator'));
	await creator.waitFor({ timeout: TIMEOUT });
	await openFeishuEntry(creator);
	const item = creator.getByText(TRIGGER_ACTION, { exact: true });
	expect(await visible(item), `"Feishu Images" lists no trigger "${TRIGGER_ACTION}"`);
	await shot('trigger-node-creator');
	await item.first().click();
	await ndv().waitFor({ timeout: TIMEOUT });
	await params().waitFor({ timeout: TIMEOUT });
	await page.waitForTimeout(800);
	const text = await params().innerText();
	const selects = await credentialSelects();
	const problems = [];
	for (const label of ['Receive Events Via', 'Output', 'Filters', 'Options'])
		if (!text.includes(label)) problems.push(`no "${label}"`);
	if (!/Receive events through persistent connection/.test(text))
		problems.push('no long-connection setup notice');
	if (!/im:message\.group_msg/.test(text)) problems.push('no scopes notice');
	const names = await credentialNames();
	if (selects.length !== 1 || selects[0] !== names.api)
		problems.push(`credential select(s) ${JSON.stringify(selects)}`);
	// The filters a user can add, then two of them added (as the README shows them).
	// A collection's "Add …" select (Filters comes before Options).
	const addFilter = () => params().locator('[class*="addOption"]').first();
	const option = (name) => page.getByRole('option', { name, exact: true }).locator('visible=true');
	await addFilter().click();
	await visible(option('Chat Types'), 5000);
	const offered = (await page.getByRole('option').locator('visible=true').allInnerTexts()).map(
		(t) => t.trim(),
	);
	for (const filter of ['Chat IDs', 'Chat Types', 'Message Types', 'Sender Types'])
		if (!offered.includes(filter)) problems.push(`no filter "${filter}" (${offered.join(', ')})`);
	await option('Chat Types').click();
	await page.waitForTimeout(300);
	await addFilter().click();
	await option('Message Types').click();
	await page.waitForTimeout(300);
	await params().getByText('Receive Events Via', { exact: true }).click();
	const picture = await docShot('trigger-panel.png');
	triggerWorkflowUrl = page.url();
	expect(problems.length === 0, problems.join('; '));
	return `panel: Receive Events Via "Long Connection", the console steps, the scopes, Output, Filters (${offered.join(', ')}), Options; "${names.api}" preselected (${picture})`;
}

/** Webhook: the URL to paste into Feishu's console is on the panel. */
async function triggerWebhookUrl() {
	await chooseOption('parameter-input-receiveVia', 'Webhook');
	await page.waitForTimeout(500);
	const urlPattern = new RegExp(
		`${baseUrl.replace(/[.:/]/g, '\\$&')}/webhook(-test)?/[\\w/-]*feishu`,
	);
	const find = async () => (await ndv().innerText()).match(urlPattern)?.[0];
	let url = await find();
	if (!url) {
		const header = ndv().getByText('Webhook URLs', { exact: false });
		if (await visible(header, 2000)) await header.first().click();
		await page.waitForTimeout(500);
		url = await find();
	}
	const production = ndv().getByText('Production URL', { exact: true });
	if (await visible(production, 2000)) {
		await production.first().click();
		await page.waitForTimeout(300);
		url = (await find()) ?? url;
	}
	const text = await params().innerText();
	const picture = await docShot('trigger-webhook-url.png');
	expect(url, `no webhook URL on the panel (it shows: ${text.slice(0, 200)})`);
	expect(/Request URL/.test(text), 'no webhook setup notice');
	return `Webhook: ${url} on the panel, with the console steps (${picture})`;
}

async function executionsOf(workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const data = await rest('GET', `/rest/executions?filter=${filter}&limit=100`);
	return data.results ?? data;
}

function pictureEvent(n) {
	return {
		eventId: `ev_ui_${n}_${Date.now()}`,
		messageId: `om_ui_${n}`,
		messageType: 'image',
		content: { image_key: `img_v3_ui_${n}` },
	};
}

let production;

/** A published workflow with the trigger on the same app, listening over the long connection. */
async function productionWorkflow() {
	const { api } = await credentialIds();
	const created = await rest('POST', '/rest/workflows', {
		name: 'Production: pictures sent to the bot',
		nodes: [
			{
				id: '0f3c1c9e-7a0b-4c51-9d1e-5aa1f0c0beef',
				name: 'Feishu Images Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { receiveVia: 'longConnection', output: 'file' },
				credentials: { feishuApi: { id: api.id, name: api.name } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
		active: false,
	});
	await rest('POST', `/rest/workflows/${created.id}/activate`, { versionId: created.versionId });
	production = created;
	const open = await pollUntil('one open long connection at the emulator', async () => {
		const stats = await emulator('appConnectionStats', state.appId);
		return { ok: stats.open === 1, value: stats };
	});
	return `workflow ${created.id} published; the emulator sees ${open.value.open} connection of ${state.appId}`;
}

/**
 * "Listen for test event" (long connection) beside the published workflow: the listen gets ONE
 * event, the published workflow every event, over the app's one connection.
 */
async function triggerTestListen() {
	expect(production, 'no published workflow (the step before failed)');
	if (!(await ndv().isVisible())) {
		await page.goto(triggerWorkflowUrl);
		await page.locator(testId('canvas-node')).first().dblclick();
		await params().waitFor({ timeout: TIMEOUT });
	}
	await chooseOption('parameter-input-receiveVia', 'Long Connection');
	await page.waitForTimeout(500);
	for (const n of [1, 2, 3]) await emulator('addMessageResource', `om_ui_${n}`, `img_v3_ui_${n}`);
	const listen = ndv()
		.locator(testId('trigger-execute-button'))
		.or(ndv().locator(testId('node-execute-button')));
	await listen.first().click();
	const listening = await visible(ndv().locator(testId('trigger-listening')), 10_000);
	await page.waitForTimeout(2000);
	await shot('trigger-listening');
	const duringListen = await emulator('appConnectionStats', state.appId);
	await emulator('deliverLongConnectionEvent', pictureEvent(1));
	const output = ndv().locator(testId('output-panel'));
	const got = await visible(output.locator(testId('ndv-items-count')), 30_000);
	await page.waitForTimeout(800);
	const outputText = got ? (await output.innerText()).replace(/\s+/g, ' ') : '';
	const picture = await docShot('trigger-test-event.png');
	await emulator('deliverLongConnectionEvent', pictureEvent(2));
	await emulator('deliverLongConnectionEvent', pictureEvent(3));
	const runs = await pollUntil(
		'3 executions of the published workflow',
		async () => {
			const executions = await executionsOf(production.id);
			return { ok: executions.length >= 3, value: executions.length };
		},
		30_000,
	).catch((error) => ({ ok: false, value: error.message }));
	await page.waitForTimeout(1000);
	const afterText = (await output.innerText().catch(() => '')).replace(/\s+/g, ' ');
	const stats = await emulator('appConnectionStats', state.appId);
	const problems = [];
	if (!got) problems.push('the test listen received no event');
	// The output opens on the Binary view: the first event's picture is img_v3_ui_1.
	else if (!/om_ui_1|img_v3_ui_1/.test(outputText))
		problems.push(`the listen's output lacks om_ui_1: "${outputText.slice(0, 200)}"`);
	if (/om_ui_[23]|img_v3_ui_[23]/.test(afterText))
		problems.push('the listen shows a later event too');
	if (!runs.ok) problems.push(`published workflow: ${runs.value}`);
	else if (runs.value !== 3)
		problems.push(`published workflow ran ${runs.value} times for 3 events`);
	if (duringListen.open !== 1)
		problems.push(`${duringListen.open} connections of the app during the listen`);
	if ((stats.maxOpenPerApp?.[state.appId] ?? 0) !== 1)
		problems.push(`at most ${stats.maxOpenPerApp?.[state.appId]} connections of the app at once`);
	expect(problems.length === 0, problems.join('; '));
	return `listen${listening ? ' (panel: listening)' : ''} got event 1 ("${outputText.slice(0, 80)}…"); the published workflow ran 3 times for 3 events; one connection of the app throughout (${picture})`;
}

/** Unpublished: the emulator sees no connection of the app left. */
async function productionDeactivated() {
	expect(production, 'no published workflow');
	await rest('POST', `/rest/workflows/${production.id}/deactivate`, {});
	const closed = await pollUntil('no open connection after unpublishing', async () => {
		const stats = await emulator('appConnectionStats', state.appId);
		return { ok: stats.open === 0, value: stats.open };
	});
	return `workflow ${production.id} unpublished: ${closed.value} open connections at the emulator`;
}

// ---- run ----------------------------------------------------------------------------------

const blocked = [];
async function main() {
	const browser = await chromium.launch({
		executablePath: chromiumPath,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-dev-shm-usage',
		],
	});
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
		// Nothing but 127.0.0.1 (and data:/blob: URLs, which never leave the browser).
		await context.route('**', (route) => {
			const url = new URL(route.request().url());
			if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:')
				return route.continue();
			blocked.push(url.href);
			return route.abort('blockedbyclient');
		});
		page = await context.newPage();
		page.setDefaultTimeout(TIMEOUT);
		// The machine may be busy: a first load of an editor route can take long.
		page.setDefaultNavigationTimeout(90_000);

		console.log(`n8n ${baseUrl}, emulator ${state.baseUrl}, chromium ${browser.version()}`);
		await check('owner setup', ownerSetup);
		await check('Feishu API credential, custom base URL', apiCredential);
		await check('wrong App Secret names the secret', wrongSecret);
		await check('credential restored', restoreSecret);
		await check('node creator: search "Feishu", add the node', nodeCreator);
		await check('Resource and Operation in the parameter panel', resourceAndOperationVisible);
		await check('switching Resource changes the fields', switchResource);
		await check('Whiteboard ID By URL: valid and invalid link', byUrl);
		await check('Execute step: binary output, View', binaryOutput);
		await check('error item: unknown whiteboard', errorItem);
		await check("each operation's fields", eachOperation);
		await check('OAuth2 credential: Connect my account', () => oauthConnect(context));
		await check('app-only resources: no Authentication, Feishu API preselected', appOnlyResources);
		await check(
			'user-capable resources: Authentication, User offers OAuth2 only',
			userCapableResources,
		);
		await check('a download with the user token', userTokenDownload);
		await check(
			'saved workflow: user identity on an app-only node runs as the app',
			savedUserIdentityOnAppOnly,
		);
		await check('trigger: the panel', triggerPanel);
		await check('trigger: the webhook URL to copy', triggerWebhookUrl);
		await check('trigger: a published workflow on the long connection', productionWorkflow);
		await check('trigger: a test listen beside it gets one event', triggerTestListen);
		await check('trigger: unpublished, no connection left', productionDeactivated);
	} finally {
		await browser.close();
	}

	const unique = [...new Set(blocked)];
	if (unique.length) console.log(`requests blocked (not 127.0.0.1): ${unique.join(', ')}`);
	console.log(`screenshots: ${artifacts} (${shots})`);
}

runChecks(main, { timeoutMs: 15 * 60_000 });
