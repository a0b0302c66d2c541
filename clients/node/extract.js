// node extract.js ADDRESS FILE: extract one posting through the router, print the JSON reply.
// The client is built at run time from protos/extraction.proto, as any language would.
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
const router = new jobextract.v1.Router(address, grpc.credentials.createInsecure());
const deadline = new Date(Date.now() + 120 * 1000);
router.Extract({ content: fs.readFileSync(file, "utf8") }, { deadline }, (error, reply) => {
  if (error) {
    console.error(`${grpc.status[error.code]}: ${error.details}`);
    process.exit(error.code === grpc.status.INVALID_ARGUMENT ? 2 : 3);
  }
  console.log(JSON.stringify(reply));
});
