// n8n finds the node and the credentials through the "n8n" section of package.json, so this
// package has no "main" and this file is not published; it exists for tools that expect one.
module.exports = {};
