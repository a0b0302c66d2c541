// node extract.js ADDRESS FILE: extract one posting through the router, print the JSON reply.
// The client is built at run time from protos/jobextract/v1/extraction.proto, as any language would.
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
  path.join(__dirname, "..", "..", "protos", "jobextract", "v1", "extraction.proto"),
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
const router = new jobextract.v1.RouterService(address, credentials);
const deadline = new Date(Date.now() + 120 * 1000);
// The error's google.rpc.Status (trailer grpc-status-details-bin), read from the protobuf
// wire format: ErrorInfo's reason, RetryInfo's delay, BadRequest's field.
function readMessage(buffer) {
  const fields = [];
  let at = 0;
  const varint = () => {
    let value = 0, shift = 0, byte;
    do { byte = buffer[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
    return value;
  };
  while (at < buffer.length) {
    const key = varint(), number = Math.floor(key / 8), type = key & 7;
    if (type === 0) fields.push([number, varint()]);
    else if (type === 2) { const n = varint(); fields.push([number, buffer.subarray(at, at + n)]); at += n; }
    else break;  // no other wire types in these messages
  }
  return fields;
}
function errorDetails(error) {
  const raw = error.metadata && error.metadata.get("grpc-status-details-bin")[0];
  if (!raw) return "";
  const out = [];
  for (const [number, any] of readMessage(raw)) {
    if (number !== 3) continue;
    const parts = Object.fromEntries(readMessage(any));
    const type = parts[1].toString(), value = readMessage(parts[2] || Buffer.alloc(0));
    if (type.endsWith("google.rpc.ErrorInfo")) out.unshift(value.find(([n]) => n === 1)[1].toString());
    if (type.endsWith("google.rpc.RetryInfo")) {
      const seconds = readMessage(value[0][1]).find(([n]) => n === 1);
      out.push(`retry in ${seconds ? seconds[1] : 0} s`);
    }
    if (type.endsWith("google.rpc.BadRequest")) {
      out.push(`field ${readMessage(value[0][1]).find(([n]) => n === 1)[1].toString()}`);
    }
  }
  return out.length ? ` [${out.join(", ")}]` : "";
}

router.Extract({ content: fs.readFileSync(file, "utf8") }, metadata, { deadline }, (error, reply) => {
  if (error) {
    console.error(`${grpc.status[error.code]}: ${error.details}${errorDetails(error)}`);
    process.exit(error.code === grpc.status.INVALID_ARGUMENT ? 2 : 3);
  }
  console.log(JSON.stringify(reply));
});
