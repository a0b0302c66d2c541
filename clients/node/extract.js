// node extract.js ADDRESS FILE: extract one posting through the router, print the JSON reply.
// The client is built at run time from protos/extraction.proto, as any language would.
// JOBEXTRACT_API_KEY: sent as "authorization: Bearer <key>"; JOBEXTRACT_TLS_CA: TLS, with
// the server's certificate checked against this CA (JOBEXTRACT_TLS_CERT / _KEY for mTLS).
const path = require("path");
const fs = require("fs");
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");

const [address, file] = process.argv.slice(2);
if (!address || !file) {
  console.error("usage: node extract.js ADDRESS FILE");
  process.exit(2);
}
const definition = protoLoader.loadSync(
  path.join(__dirname, "..", "..", "protos", "extraction.proto"),
  { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true });
const { jobextract } = grpc.loadPackageDefinition(definition);
const env = process.env;
const read = (name) => (env[name] ? fs.readFileSync(env[name]) : null);
const credentials = env.JOBEXTRACT_TLS_CA
  ? grpc.credentials.createSsl(read("JOBEXTRACT_TLS_CA"), read("JOBEXTRACT_TLS_KEY"),
                               read("JOBEXTRACT_TLS_CERT"))
  : grpc.credentials.createInsecure();
const metadata = new grpc.Metadata();
if (env.JOBEXTRACT_API_KEY) metadata.set("authorization", `Bearer ${env.JOBEXTRACT_API_KEY}`);
const router = new jobextract.v1.Router(address, credentials);
const deadline = new Date(Date.now() + 120 * 1000);
router.Extract({ content: fs.readFileSync(file, "utf8") }, metadata, { deadline }, (error, reply) => {
  if (error) {
    console.error(`${grpc.status[error.code]}: ${error.details}`);
    process.exit(error.code === grpc.status.INVALID_ARGUMENT ? 2 : 3);
  }
  console.log(JSON.stringify(reply));
});
