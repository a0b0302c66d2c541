#!/usr/bin/env node
// node extract.js ADDRESS FILE [DEADLINE_SECONDS]: extract one posting through the router and
// print the JSON reply. A small command line on this package's RouterClient (index.js).
// Key and TLS come from JOBEXTRACT_API_KEY and JOBEXTRACT_TLS_CA / _CERT / _KEY / _SERVER_NAME.
// Exit codes: 0 done; 2 usage, an unreadable file or INVALID_ARGUMENT; 3 any other error,
// reported on stderr as "CODE: message [REASON, retry in N s, field F]".
"use strict";
const fs = require("fs");
const { RouterClient, JobExtractError } = require("./index.js");

async function main([address, file, deadline]) {
  if (!address || !file || (deadline !== undefined && !(Number(deadline) > 0))) {
    console.error("usage: node extract.js ADDRESS FILE [DEADLINE_SECONDS]");
    return 2;
  }
  let content;
  try {
    content = fs.readFileSync(file, "utf8");
  } catch (error) {
    console.error(`cannot read ${file}: ${error.message}`);
    return 2;
  }
  const client = new RouterClient(address,
                                  deadline ? { deadlineSeconds: Number(deadline) } : {});
  try {
    console.log(JSON.stringify(await client.extract(content)));
    return 0;
  } catch (error) {
    if (!(error instanceof JobExtractError)) throw error;
    console.error(error.message);
    return error.code === "INVALID_ARGUMENT" ? 2 : 3;
  } finally {
    client.close();
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error) => {
  console.error(error.message);
  process.exitCode = 3;
});
