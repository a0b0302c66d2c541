"use strict";
// jobextract-client: the router (jobextract.v1.RouterService) from Node.js, with async/await.
// The stubs are built at run time from proto/jobextract/v1/extraction.proto, a copy of the
// repository's protos/jobextract/v1/extraction.proto shipped with the package (a test keeps
// them identical). See README.md.
const fs = require("fs");
const path = require("path");
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");
const protobuf = require("protobufjs");
const googleProtoFiles = require("google-proto-files");
const healthCheck = require("grpc-health-check");

const PROTO = path.join(__dirname, "proto", "jobextract", "v1", "extraction.proto");
const SERVICE = "jobextract.v1.RouterService";
const DEFAULT_ADDRESS = "localhost:50051";
const DEFAULT_DEADLINE_SECONDS = 300;  // as the Python client (jobextract.client)
const DETAILS_TRAILER = "grpc-status-details-bin";

// Plain objects: field names as in the proto, enums as their names, 64-bit integers as
// numbers, unset scalars as their defaults (0, "", []); proto3 optional fields stay absent
// when unset (JobPosting's title, salary_min, ...).
const definition = protoLoader.loadSync([PROTO, healthCheck.protoPath], {
  keepCase: true, longs: Number, enums: String, defaults: true, oneofs: false,
});
const loaded = grpc.loadPackageDefinition(definition);
const RouterStub = loaded.jobextract.v1.RouterService;
const HealthStub = loaded.grpc.health.v1.Health;

// google.rpc.Status and its details (ErrorInfo, RetryInfo, BadRequest, ...), the error
// model every jobextract error status carries in the grpc-status-details-bin trailer.
const rpcTypes = new protobuf.Root().loadSync(
  [googleProtoFiles.getProtoPath("rpc", "status.proto"),
   googleProtoFiles.getProtoPath("rpc", "error_details.proto")],
  { keepCase: true });
const StatusType = rpcTypes.lookupType("google.rpc.Status");
const STATUS_NAMES = Object.fromEntries(
  Object.entries(grpc.status).filter(([, value]) => typeof value === "number")
    .map(([name, value]) => [value, name]));

/** A failed call: the gRPC status and the machine-readable details the service sent. */
class JobExtractError extends Error {
  constructor({ code, grpcCode, details = "", reason, domain, retrySeconds, field,
                statusDetails = [], metadata } = {}) {
    const notes = [reason, retrySeconds !== undefined ? `retry in ${retrySeconds} s` : undefined,
                   field !== undefined ? `field ${field}` : undefined].filter((n) => n);
    super(`${code}: ${details}${notes.length ? ` [${notes.join(", ")}]` : ""}`);
    this.name = "JobExtractError";
    this.code = code;                    // the status's name, e.g. "INVALID_ARGUMENT"
    this.grpcCode = grpcCode;            // its number, e.g. 3 (grpc.status.INVALID_ARGUMENT)
    this.details = details;              // the status message
    this.reason = reason;                // google.rpc.ErrorInfo reason, e.g. "INVALID_FIELD"
    this.domain = domain;                // ErrorInfo domain ("jobextract.v1")
    this.retrySeconds = retrySeconds;    // google.rpc.RetryInfo: wait this long to retry
    this.field = field;                  // google.rpc.BadRequest: the first field violated
    this.statusDetails = statusDetails;  // every detail decoded, with its "@type"
    this.metadata = metadata;            // the trailers (grpc.Metadata)
  }
}

/** The details of a grpc-js error, decoded from its google.rpc.Status trailer. */
function decodeDetails(metadata) {
  const raw = metadata && metadata.get(DETAILS_TRAILER)[0];
  const out = { statusDetails: [] };
  if (!raw) return out;
  let status;
  try {
    status = StatusType.decode(raw);
  } catch (_) {
    return out;  // not a google.rpc.Status: the code and message still say what failed
  }
  for (const any of status.details) {
    const typeName = any.type_url.slice(any.type_url.lastIndexOf("/") + 1);
    const type = rpcTypes.lookup(typeName);
    if (!(type instanceof protobuf.Type)) continue;
    const detail = type.toObject(type.decode(any.value), { longs: Number, defaults: true });
    out.statusDetails.push({ "@type": typeName, ...detail });
    if (typeName === "google.rpc.ErrorInfo") {
      out.reason = detail.reason;
      out.domain = detail.domain;
    } else if (typeName === "google.rpc.RetryInfo" && detail.retry_delay) {
      out.retrySeconds = detail.retry_delay.seconds + detail.retry_delay.nanos / 1e9;
    } else if (typeName === "google.rpc.BadRequest" && detail.field_violations.length) {
      out.field = detail.field_violations[0].field;
    }
  }
  return out;
}

function toError(error) {
  if (error instanceof JobExtractError || typeof error.code !== "number") return error;
  return new JobExtractError({
    code: STATUS_NAMES[error.code] || String(error.code), grpcCode: error.code,
    details: error.details, metadata: error.metadata, ...decodeDetails(error.metadata),
  });
}

function readPem(value, what) {
  if (value === undefined || value === null || value === "") return null;
  if (Buffer.isBuffer(value)) return value;
  try {
    return fs.readFileSync(value);
  } catch (e) {
    throw new Error(`cannot read the ${what} ${value}: ${e.message}`);
  }
}

function checkSeconds(seconds) {
  if (typeof seconds !== "number" || Number.isNaN(seconds) || seconds <= 0) {
    throw new RangeError(`deadlineSeconds must be a number above 0, not ${seconds}`);
  }
  return seconds;
}

/** The router's client: one channel, reused by every call until close(). */
class RouterClient {
  #apiKey;  // private: printing the client never shows it

  /**
   * @param {string} [address] host:port; default JOBEXTRACT_ADDRESS, else localhost:50051
   * @param {object} [options] each one undefined takes its environment variable:
   *   apiKey (JOBEXTRACT_API_KEY): sent as "authorization: Bearer <key>";
   *   tlsCa (JOBEXTRACT_TLS_CA): the CA that signed the router's certificate (path or Buffer);
   *   tlsCert, tlsKey (JOBEXTRACT_TLS_CERT, JOBEXTRACT_TLS_KEY): a client certificate (mTLS);
   *   serverName (JOBEXTRACT_TLS_SERVER_NAME): the name the certificate carries, when it is
   *   not the address's host. Any TLS setting turns TLS on (without tlsCa the system's roots
   *   check the router); none: plaintext.
   *   deadlineSeconds: each call's deadline (default 300), unless the call gives its own;
   *   channelOptions: extra grpc-js channel options.
   */
  constructor(address, options = {}) {
    const env = process.env;
    const pick = (value, name) => (value !== undefined ? value : env[name]);
    this.address = address || env.JOBEXTRACT_ADDRESS || DEFAULT_ADDRESS;
    this.deadlineSeconds = checkSeconds(
      options.deadlineSeconds !== undefined ? options.deadlineSeconds : DEFAULT_DEADLINE_SECONDS);
    this.#apiKey = pick(options.apiKey, "JOBEXTRACT_API_KEY") || "";
    const tlsCa = pick(options.tlsCa, "JOBEXTRACT_TLS_CA");
    const tlsCert = pick(options.tlsCert, "JOBEXTRACT_TLS_CERT");
    const tlsKey = pick(options.tlsKey, "JOBEXTRACT_TLS_KEY");
    const serverName = pick(options.serverName, "JOBEXTRACT_TLS_SERVER_NAME");
    this.tls = [tlsCa, tlsCert, tlsKey, serverName].some((value) => value);
    const channelOptions = { ...(options.channelOptions || {}) };
    let credentials = grpc.credentials.createInsecure();
    if (this.tls) {
      if (!tlsCert !== !tlsKey) {
        throw new Error("a client certificate needs both tlsCert and tlsKey "
                        + "(JOBEXTRACT_TLS_CERT and JOBEXTRACT_TLS_KEY)");
      }
      credentials = grpc.credentials.createSsl(
        readPem(tlsCa, "TLS CA"), readPem(tlsKey, "TLS client key"),
        readPem(tlsCert, "TLS client certificate"));
      if (serverName) channelOptions["grpc.ssl_target_name_override"] = serverName;
    }
    this._closed = false;
    this._router = new RouterStub(this.address, credentials, channelOptions);
    this._health = new HealthStub(this.address, credentials,
                                  { channelOverride: this._router.getChannel() });
  }

  _metadata() {
    const metadata = new grpc.Metadata();
    if (this.#apiKey) metadata.set("authorization", `Bearer ${this.#apiKey}`);
    return metadata;
  }

  _callOptions(deadlineSeconds) {
    const seconds = deadlineSeconds !== undefined ? checkSeconds(deadlineSeconds)
      : this.deadlineSeconds;
    return { deadline: seconds === Infinity ? Infinity : new Date(Date.now() + seconds * 1000) };
  }

  _open() {
    if (this._closed) throw new Error("this RouterClient is closed");
  }

  _unary(stub, method, request, deadlineSeconds) {
    this._open();
    const callOptions = this._callOptions(deadlineSeconds);
    return new Promise((resolve, reject) => {
      stub[method](request, this._metadata(), callOptions, (error, reply) => {
        if (error) reject(toError(error));
        else resolve(reply);
      });
    });
  }

  /**
   * Extract one posting: resolves to the ExtractResponse ({job, decision, route, attempts,
   * fallback_reason, usage, timings, request_id}).
   * @param {string} content the posting's text
   * @param {object} [options] fields (JobPosting field names, or "salary"; default all),
   *   requestId, sourceUrl, deadlineSeconds
   */
  async extract(content, { fields = [], requestId = "", sourceUrl = "", deadlineSeconds } = {}) {
    return this._unary(this._router, "Extract", extractRequest(content, fields, requestId,
                                                               sourceUrl), deadlineSeconds);
  }

  /**
   * The same, streamed: yields each ExtractStreamResponse as it comes, an object with one
   * of decision (first), attempt, delta (text), result (the ExtractResponse, last).
   * Leaving the loop early cancels the call.
   */
  async* extractStream(content, { fields = [], requestId = "", sourceUrl = "",
                                  deadlineSeconds } = {}) {
    this._open();
    const call = this._router.ExtractStream(extractRequest(content, fields, requestId, sourceUrl),
                                            this._metadata(), this._callOptions(deadlineSeconds));
    let done = false;
    try {
      for await (const event of call) yield event;
      done = true;
    } catch (error) {
      done = true;
      throw toError(error);
    } finally {
      if (!done) {
        call.on("error", () => {});  // the CANCELLED status that cancelling brings
        call.cancel();
      }
    }
  }

  /** The routing decision alone (nothing is generated): resolves to {decision}. */
  async analyze(content, { deadlineSeconds } = {}) {
    checkContent(content);
    return this._unary(this._router, "Analyze", { content }, deadlineSeconds);
  }

  /** The router's counters (GetStatsResponse). */
  async stats({ deadlineSeconds } = {}) {
    return this._unary(this._router, "GetStats", {}, deadlineSeconds);
  }

  /**
   * grpc.health.v1: resolves to "SERVING", "NOT_SERVING", ... for `service` (default the
   * router's; "" for the whole server). Health needs no key.
   */
  async health({ service = SERVICE, deadlineSeconds } = {}) {
    const reply = await this._unary(this._health, "Check", { service }, deadlineSeconds);
    return reply.status;
  }

  /** Close the channel; calls made after this reject. */
  close() {
    this._closed = true;
    this._router.close();
  }
}

function checkContent(content) {
  if (typeof content !== "string") {
    throw new TypeError(`content must be a string, not ${typeof content}`);
  }
}

function extractRequest(content, fields, requestId, sourceUrl) {
  checkContent(content);
  return { content, fields, request_id: requestId, source_url: sourceUrl };
}

module.exports = { RouterClient, JobExtractError, PROTO };
