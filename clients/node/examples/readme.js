const { RouterClient, JobExtractError } = require("jobextract-client");

// The key and TLS settings default to JOBEXTRACT_API_KEY and JOBEXTRACT_TLS_*.
const client = new RouterClient(process.env.JOBEXTRACT_ADDRESS || "localhost:50051",
                                { deadlineSeconds: 120 });
async function main() {
  const reply = await client.extract("Data Engineer at Acme, Berlin. 60-70k EUR a year.");
  console.log(reply.route, reply.decision.model, JSON.stringify(reply.job));
  try {
    await client.extract("   ");
  } catch (error) {
    if (!(error instanceof JobExtractError)) throw error;
    console.log(error.code, error.reason, error.field);  // INVALID_ARGUMENT INVALID_FIELD content
  }
}
main().finally(() => client.close());
