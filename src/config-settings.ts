// Every setting once: its flag, its environment variable, its type, default and meaning.
// The CLI help, the README table and the config schema all derive from this list.

export type SettingType = 'string' | 'integer' | 'boolean';

export interface Setting {
  readonly key: keyof ConfigValues;
  readonly flag: string;
  readonly env: string;
  readonly type: SettingType;
  readonly default?: string | number | boolean;
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly string[];
  readonly description: string;
}

export interface ConfigValues {
  configFile?: string;
  ocppHost: string;
  ocppPort: number;
  httpHost: string;
  httpPort: number;
  opsHost?: string;
  opsPort?: number;
  dataDir: string;
  databaseUrl?: string;
  autoRegister: boolean;
  autoRegisterStatus: 'Accepted' | 'Pending' | 'Rejected';
  heartbeatIntervalS: number;
  bootRetryIntervalS: number;
  callTimeoutMs: number;
  maxFrameBytes: number;
  maxBufferedBytes: number;
  pingIntervalS: number;
  recordPayloads: boolean;
  frameRetentionDays: number;
  gcTuning: boolean;
  operatorSecretFile?: string;
  tokenTtlS: number;
  publicUrl?: string;
  caKekFile?: string;
  cpoName?: string;
  ocspValidityS: number;
  crlValidityH: number;
  estPort?: number;
  estHost: string;
  estConfigFile?: string;
  stationAuth: 'enforce' | 'off';
  ocppTlsPort?: number;
  ocppTlsCertFile?: string;
  ocppTlsKeyFile?: string;
  clientCertHeader?: string;
  trustedProxies?: string;
  firmwareRootsFile?: string;
  firmwareMaxBytes: number;
  firmwareUrlTtlS: number;
  firmwareJobTimeoutS: number;
  contractIssuer: string;
  moRootsFile?: string;
  oemRootsFile?: string;
  contractPoolsFile?: string;
  emspIdpIssuer?: string;
  emspIdpAudience?: string;
  emspIdpJwksUrl?: string;
  emspIdpEmspClaim: string;
  webhookPollMs: number;
  webhookRetryBaseMs: number;
  webhookMaxAttempts: number;
  ocspIssuersFile?: string;
  ocspFetchAllow?: string;
  ocspFetchTimeoutMs: number;
  ocspNoNextUpdateHoldS: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export const SETTINGS: readonly Setting[] = [
  { key: 'configFile', flag: '--config', env: 'PLUGTRUST_CONFIG', type: 'string', description: 'JSON file with any of these settings (camelCase keys); flags and environment override it' },
  { key: 'ocppHost', flag: '--ocpp-host', env: 'PLUGTRUST_OCPP_HOST', type: 'string', default: '0.0.0.0', description: 'address the OCPP WebSocket server listens on' },
  { key: 'ocppPort', flag: '--ocpp-port', env: 'PLUGTRUST_OCPP_PORT', type: 'integer', default: 9000, min: 0, max: 65535, description: 'port of the OCPP WebSocket server (stations connect to ws://HOST:PORT/ocpp/<stationId>)' },
  { key: 'httpHost', flag: '--http-host', env: 'PLUGTRUST_HTTP_HOST', type: 'string', default: '0.0.0.0', description: 'address of the HTTP API' },
  { key: 'httpPort', flag: '--http-port', env: 'PLUGTRUST_HTTP_PORT', type: 'integer', default: 8080, min: 0, max: 65535, description: 'port of the HTTP API (operator API, /docs, and /healthz, /readyz, /metrics unless --ops-port is set)' },
  { key: 'opsHost', flag: '--ops-host', env: 'PLUGTRUST_OPS_HOST', type: 'string', description: 'address for /healthz, /readyz and /metrics when they are served apart (default 127.0.0.1)' },
  { key: 'opsPort', flag: '--ops-port', env: 'PLUGTRUST_OPS_PORT', type: 'integer', min: 0, max: 65535, description: 'serve /healthz, /readyz and /metrics on this port instead of the API port' },
  { key: 'dataDir', flag: '--data-dir', env: 'PLUGTRUST_DATA_DIR', type: 'string', default: './data', description: 'directory for the embedded database and generated secrets' },
  { key: 'databaseUrl', flag: '--database-url', env: 'DATABASE_URL', type: 'string', description: 'PostgreSQL connection URL; when unset the embedded database under the data directory is used' },
  { key: 'autoRegister', flag: '--auto-register', env: 'PLUGTRUST_AUTO_REGISTER', type: 'boolean', default: false, description: 'register unknown stations when they connect (labs only); otherwise they are refused with 404' },
  { key: 'autoRegisterStatus', flag: '--auto-register-status', env: 'PLUGTRUST_AUTO_REGISTER_STATUS', type: 'string', default: 'Accepted', enum: ['Accepted', 'Pending', 'Rejected'], description: 'registration status given to auto-registered stations' },
  { key: 'heartbeatIntervalS', flag: '--heartbeat-interval', env: 'PLUGTRUST_HEARTBEAT_INTERVAL', type: 'integer', default: 300, min: 1, max: 86400, description: 'heartbeat interval in seconds sent in an Accepted BootNotificationResponse' },
  { key: 'bootRetryIntervalS', flag: '--boot-retry-interval', env: 'PLUGTRUST_BOOT_RETRY_INTERVAL', type: 'integer', default: 60, min: 1, max: 86400, description: 'seconds a Pending or Rejected station waits before its next BootNotification' },
  { key: 'callTimeoutMs', flag: '--call-timeout-ms', env: 'PLUGTRUST_CALL_TIMEOUT_MS', type: 'integer', default: 30000, min: 100, max: 600000, description: 'how long the CSMS waits for a station to answer a CALL' },
  { key: 'maxFrameBytes', flag: '--max-frame-bytes', env: 'PLUGTRUST_MAX_FRAME_BYTES', type: 'integer', default: 262144, min: 1024, max: 16777216, description: 'largest WebSocket message accepted from a station; larger ones close the connection (1009)' },
  { key: 'maxBufferedBytes', flag: '--max-buffered-bytes', env: 'PLUGTRUST_MAX_BUFFERED_BYTES', type: 'integer', default: 1048576, min: 65536, max: 268435456, description: 'bytes queued towards a station that does not read before it is disconnected' },
  { key: 'pingIntervalS', flag: '--ping-interval', env: 'PLUGTRUST_PING_INTERVAL', type: 'integer', default: 60, min: 0, max: 3600, description: 'seconds between WebSocket pings per station; a station silent for two intervals is dropped (0 disables)' },
  { key: 'recordPayloads', flag: '--record-payloads', env: 'PLUGTRUST_RECORD_PAYLOADS', type: 'boolean', default: true, description: 'store frame payloads in the frame log (station, direction, action and message id are always stored)' },
  { key: 'frameRetentionDays', flag: '--frame-retention-days', env: 'PLUGTRUST_FRAME_RETENTION_DAYS', type: 'integer', default: 30, min: 1, max: 3650, description: 'days the frame log is kept' },
  { key: 'gcTuning', flag: '--gc-tuning', env: 'PLUGTRUST_GC_TUNING', type: 'boolean', default: true, description: "tune V8's garbage collector for tens of thousands of long-lived connections: no allocation-site pretenuring, old generation allowed to grow to twice its live size (see README, Benchmarks)" },
  { key: 'operatorSecretFile', flag: '--operator-secret-file', env: 'PLUGTRUST_OPERATOR_SECRET_FILE', type: 'string', description: 'file holding the secret of the first operator credential (client id "operator"); without it one is generated and printed once' },
  { key: 'tokenTtlS', flag: '--token-ttl', env: 'PLUGTRUST_TOKEN_TTL', type: 'integer', default: 3600, min: 60, max: 86400, description: 'lifetime in seconds of operator API access tokens' },
  { key: 'publicUrl', flag: '--public-url', env: 'PLUGTRUST_PUBLIC_URL', type: 'string', description: 'base URL relying parties reach this server at; certificates carry <url>/ocsp (AIA) and <url>/crl/<ca>.crl (CDP); default http://localhost:<http-port>' },
  { key: 'caKekFile', flag: '--ca-kek-file', env: 'PLUGTRUST_CA_KEK_FILE', type: 'string', description: 'file holding the 256-bit key-encryption key (raw, hex or base64) that protects CA private keys; default <data-dir>/ca-kek.key, created with mode 0600 on first use' },
  { key: 'cpoName', flag: '--cpo-name', env: 'PLUGTRUST_CPO_NAME', type: 'string', description: "the CPO's organisation name: O of charging-station certificates and of the lab hierarchy" },
  { key: 'ocspValidityS', flag: '--ocsp-validity', env: 'PLUGTRUST_OCSP_VALIDITY', type: 'integer', default: 3600, min: 60, max: 604800, description: 'seconds between thisUpdate and nextUpdate of OCSP responses; cached responses are re-signed before nextUpdate' },
  { key: 'crlValidityH', flag: '--crl-validity-hours', env: 'PLUGTRUST_CRL_VALIDITY_HOURS', type: 'integer', default: 24, min: 1, max: 720, description: 'hours between thisUpdate and nextUpdate of each CRL; CRLs are regenerated on revocation and before nextUpdate' },
  { key: 'estPort', flag: '--est-port', env: 'PLUGTRUST_EST_PORT', type: 'integer', min: 0, max: 65535, description: 'serve EST (RFC 7030) enrollment over TLS on this port, with the CSMS TLS server certificate; needs --est-config and a CA hierarchy' },
  { key: 'estHost', flag: '--est-host', env: 'PLUGTRUST_EST_HOST', type: 'string', default: '0.0.0.0', description: 'address of the EST listener' },
  { key: 'estConfigFile', flag: '--est-config', env: 'PLUGTRUST_EST_CONFIG', type: 'string', description: 'JSON file with the EST accounts (and optionally labels, defaultLabel, clientTrustAnchors); see README' },
  { key: 'stationAuth', flag: '--station-auth', env: 'PLUGTRUST_STATION_AUTH', type: 'string', default: 'enforce', enum: ['enforce', 'off'], description: 'enforce OCPP security profiles at the WebSocket upgrade (HTTP Basic, TLS, client certificates); off admits every registered station (labs only)' },
  { key: 'ocppTlsPort', flag: '--ocpp-tls-port', env: 'PLUGTRUST_OCPP_TLS_PORT', type: 'integer', min: 0, max: 65535, description: 'serve OCPP over TLS (wss://HOST:PORT/ocpp/<stationId>, security profiles 2 and 3) on this port, next to the plain ws port; off unless set' },
  { key: 'ocppTlsCertFile', flag: '--ocpp-tls-cert', env: 'PLUGTRUST_OCPP_TLS_CERT', type: 'string', description: 'PEM certificate chain for the OCPP TLS port (with --ocpp-tls-key); default the csms-tls-server certificate of our CA, reloaded on renewal' },
  { key: 'ocppTlsKeyFile', flag: '--ocpp-tls-key', env: 'PLUGTRUST_OCPP_TLS_KEY', type: 'string', description: 'PEM private key for --ocpp-tls-cert' },
  { key: 'clientCertHeader', flag: '--client-cert-header', env: 'PLUGTRUST_CLIENT_CERT_HEADER', type: 'string', description: 'header in which a TLS-terminating proxy passes the station certificate (URL-encoded PEM, e.g. X-SSL-Client-Cert); believed only from --trusted-proxies' },
  { key: 'trustedProxies', flag: '--trusted-proxies', env: 'PLUGTRUST_TRUSTED_PROXIES', type: 'string', description: 'comma-separated peer addresses of TLS-terminating proxies whose --client-cert-header and X-Forwarded-Proto are believed' },
  { key: 'firmwareRootsFile', flag: '--firmware-roots-file', env: 'PLUGTRUST_FIRMWARE_ROOTS_FILE', type: 'string', description: 'PEM bundle of manufacturer root certificates against which manufacturer firmware signing certificates are verified (OCPP 2.0.1 L01); without it only images signed by our firmware-signer key can be used' },
  { key: 'firmwareMaxBytes', flag: '--firmware-max-bytes', env: 'PLUGTRUST_FIRMWARE_MAX_BYTES', type: 'integer', default: 536870912, min: 1, max: 4294967296, description: 'largest firmware image accepted by upload, in bytes' },
  { key: 'firmwareUrlTtlS', flag: '--firmware-url-ttl', env: 'PLUGTRUST_FIRMWARE_URL_TTL', type: 'integer', default: 86400, min: 60, max: 2592000, description: 'seconds a firmware download URL stays valid after its retrieve time' },
  { key: 'firmwareJobTimeoutS', flag: '--firmware-job-timeout', env: 'PLUGTRUST_FIRMWARE_JOB_TIMEOUT', type: 'integer', default: 172800, min: 10, max: 2592000, description: 'seconds without news from a station (after the retrieve and install times) before its firmware update fails with Timeout' },
  { key: 'contractIssuer', flag: '--contract-issuer', env: 'PLUGTRUST_CONTRACT_ISSUER', type: 'string', default: 'mo-sub-ca-2', description: 'the MO Sub-CA 2 that issues contract certificates for eMSPs without their own issuer' },
  { key: 'moRootsFile', flag: '--mo-roots-file', env: 'PLUGTRUST_MO_ROOTS_FILE', type: 'string', description: 'PEM file of further MO root certificates that uploaded contract certificates may chain to (the MO roots we operate are always trusted)' },
  { key: 'oemRootsFile', flag: '--oem-roots-file', env: 'PLUGTRUST_OEM_ROOTS_FILE', type: 'string', description: 'PEM file of OEM roots and OEM sub-CAs that OEM provisioning certificates may chain to in Get15118EVCertificate (the OEM CAs we operate are always trusted)' },
  { key: 'contractPoolsFile', flag: '--contract-pools-file', env: 'PLUGTRUST_CONTRACT_POOLS_FILE', type: 'string', description: 'JSON file of external contract certificate pools (Open Plug&Charge /v1/ccp/signedContractData) and the eMSPs each serves; see README' },
  { key: 'emspIdpIssuer', flag: '--emsp-idp-issuer', env: 'PLUGTRUST_EMSP_IDP_ISSUER', type: 'string', description: 'issuer (iss) of eMSP API tokens from an external identity provider; with --emsp-idp-audience and --emsp-idp-jwks-url' },
  { key: 'emspIdpAudience', flag: '--emsp-idp-audience', env: 'PLUGTRUST_EMSP_IDP_AUDIENCE', type: 'string', description: 'audience (aud) that external eMSP API tokens must carry' },
  { key: 'emspIdpJwksUrl', flag: '--emsp-idp-jwks-url', env: 'PLUGTRUST_EMSP_IDP_JWKS_URL', type: 'string', description: 'JWKS URL of the external identity provider that signs eMSP API tokens' },
  { key: 'emspIdpEmspClaim', flag: '--emsp-idp-emsp-claim', env: 'PLUGTRUST_EMSP_IDP_EMSP_CLAIM', type: 'string', default: 'emsp_id', description: 'claim of an external eMSP API token that names the eMSP (tenant)' },
  { key: 'webhookPollMs', flag: '--webhook-poll-ms', env: 'PLUGTRUST_WEBHOOK_POLL_MS', type: 'integer', default: 1000, min: 20, max: 60000, description: 'how often the webhook delivery job looks for contract events recorded by other processes' },
  { key: 'webhookRetryBaseMs', flag: '--webhook-retry-base-ms', env: 'PLUGTRUST_WEBHOOK_RETRY_BASE_MS', type: 'integer', default: 5000, min: 10, max: 3600000, description: 'first retry delay of a failed webhook delivery; doubled per attempt (at most one hour)' },
  { key: 'webhookMaxAttempts', flag: '--webhook-max-attempts', env: 'PLUGTRUST_WEBHOOK_MAX_ATTEMPTS', type: 'integer', default: 10, min: 1, max: 100, description: 'delivery attempts of one event to one webhook before it is marked failed and the next event goes out' },
  { key: 'ocspIssuersFile', flag: '--ocsp-issuers-file', env: 'PLUGTRUST_OCSP_ISSUERS_FILE', type: 'string', description: 'PEM file of further CA certificates (foreign V2G/MO sub-CAs) whose OCSP answers GetCertificateStatus and Authorize may verify; the MO roots and our own CAs are always known' },
  { key: 'ocspFetchAllow', flag: '--ocsp-fetch-allow', env: 'PLUGTRUST_OCSP_FETCH_ALLOW', type: 'string', description: 'comma-separated hosts (host or host:port) of foreign OCSP responders the CSMS may query for stations; unset: any http(s) responder on a public address (loopback, private and link-local addresses are refused)' },
  { key: 'ocspFetchTimeoutMs', flag: '--ocsp-fetch-timeout-ms', env: 'PLUGTRUST_OCSP_FETCH_TIMEOUT_MS', type: 'integer', default: 5000, min: 100, max: 60000, description: 'timeout of one request to a foreign OCSP responder (retried once on failure)' },
  { key: 'ocspNoNextUpdateHoldS', flag: '--ocsp-no-next-update-hold', env: 'PLUGTRUST_OCSP_NO_NEXT_UPDATE_HOLD', type: 'integer', default: 60, min: 0, max: 3600, description: 'seconds a foreign OCSP answer without nextUpdate is served from the cache (0: fetched for every request)' },
  { key: 'logLevel', flag: '--log-level', env: 'PLUGTRUST_LOG_LEVEL', type: 'string', default: 'info', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], description: 'log level' },
];
