// Helpers of scripts/test-changed-pictures.sh. Plain Node, no dependencies.
//
//   node changed-pictures.mjs fixtures <emulator state.json> <smtp port> <outDir>
//       credentials.json (Feishu API → the emulator, SMTP → the sink) and workflow.json: the
//       example examples/changed-pictures-to-email.json as it is, but for a Manual Trigger in
//       place of its schedule (n8n execute needs one), the document and the credentials
//   node changed-pictures.mjs mails <mail dir> <from #> <expected attachment names, comma-separated | ->
//       one check (checks.mjs): the mails from number <from #> on: exactly one with those
//       attachments, or none ("-")
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	feishuCredential,
	readJson,
	writeFixtures,
} from './app-test.mjs';
import { expect, runCommand } from './checks.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = path.join(ROOT, 'examples/changed-pictures-to-email.json');
export const WORKFLOW_ID = 'FeishuChangedPics01';
const SMTP_ID = 'SmtpSinkCred0001';

function fixtures(stateFile, smtpPort, outDir) {
	const state = readJson(stateFile);
	const credentials = [
		feishuCredential(state),
		{
			id: SMTP_ID,
			name: 'SMTP sink',
			type: 'smtp',
			data: {
				user: '',
				password: '',
				host: '127.0.0.1',
				port: Number(smtpPort),
				secure: false,
				disableStartTls: true,
			},
		},
	];
	const workflow = readJson(EXAMPLE);
	workflow.id = WORKFLOW_ID;
	workflow.active = false;
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-base.scheduleTrigger') {
			node.type = 'n8n-nodes-base.manualTrigger';
			node.typeVersion = 1;
			node.parameters = {};
		}
		if (node.credentials?.feishuApi)
			node.credentials.feishuApi = { id: CREDENTIAL_ID, name: CREDENTIAL_NAME };
		if (node.credentials?.smtp) node.credentials.smtp = { id: SMTP_ID, name: 'SMTP sink' };
		if (node.parameters?.documentId) {
			node.parameters.documentId = { __rl: true, mode: 'id', value: state.picturesDocument.id };
		}
	}
	writeFixtures(outDir, credentials, workflow);
}

/** The attachment file names of one raw message (nodemailer: Content-Disposition: attachment). */
function attachmentsOf(raw) {
	const names = [];
	const re = /Content-Disposition: attachment;\s*filename=("?)([^"\r\n;]+)\1/gi;
	for (let m = re.exec(raw); m; m = re.exec(raw)) names.push(m[2]);
	return names.sort();
}

function mails(dir, from, expected) {
	const numbers = readdirSync(dir)
		.map((f) => Number(f.replace(/\.eml$/, '')))
		.filter((n) => n >= Number(from))
		.sort((a, b) => a - b);
	const received = numbers.map((n) => {
		const raw = readFileSync(path.join(dir, `${n}.eml`), 'latin1');
		const subject = /^Subject: (.*)$/im.exec(raw)?.[1] ?? '';
		return { n, subject, attachments: attachmentsOf(raw) };
	});
	if (expected === '-') {
		expect(received.length === 0, `expected no mail, got ${JSON.stringify(received)}`);
		return 'no mail: nothing changed';
	}
	const want = expected.split(',').sort();
	expect(
		received.length === 1,
		`expected 1 mail, got ${received.length}: ${JSON.stringify(received)}`,
	);
	expect(
		JSON.stringify(received[0].attachments) === JSON.stringify(want),
		`mail attachments ${JSON.stringify(received[0].attachments)}, expected ${JSON.stringify(want)}`,
	);
	return `1 mail "${received[0].subject}" with ${want.length} attachment(s): ${want.join(', ')}`;
}

runCommand({ fixtures }, { mails });
