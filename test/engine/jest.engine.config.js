// Jest config for test/engine alone (the project's jest.config.js may not exist yet).
// Run: npx -y -p node@24 -- npx jest --config test/engine/jest.engine.config.js
const path = require('node:path');

/** @type {import('jest').Config} */
module.exports = {
	rootDir: path.join(__dirname, '..', '..'),
	roots: ['<rootDir>/test/engine'],
	testMatch: ['**/*.test.ts'],
	testEnvironment: 'node',
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
	},
	testTimeout: 30000,
};
