// Runs s3rver (an S3-compatible test server from npm, installed by scripts/setup.sh) for the
// S3 destination's integration tests, started by tests/support/s3rver_process.cc.
//
// s3rver 3.7 accepts any well-formed SigV4 header without checking the signature, so this
// launcher puts a check in front of it: each request's signature is computed again from the
// request as it arrived (path, query, signed headers, x-amz-content-sha256) with the secret
// given here, and a mismatch is answered 403 SignatureDoesNotMatch, as S3 does. The body is
// not hashed again (s3rver reads it as a stream). Unknown access key ids are left to s3rver
// (InvalidAccessKeyId).
//
// node s3rver_process.js --s3rver DIR --directory DIR --bucket NAME --access-key ID
//   --secret-key SECRET [--key TLS_KEY --cert TLS_CERT]
// Listens on 127.0.0.1 with a port the OS picks and prints "listening on 127.0.0.1:PORT".
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
for (const required of ['s3rver', 'directory', 'bucket', 'access-key', 'secret-key']) {
  if (!args[required]) {
    console.error(`s3rver_process.js: --${required} is required`);
    process.exit(2);
  }
}

const S3rver = require(args.s3rver);
const AWSAccount = require(path.join(args.s3rver, 'lib/models/account'));
AWSAccount.DUMMY_ACCOUNT.createKeyPair(args['access-key'], args['secret-key']);
const secrets = new Map([[args['access-key'], args['secret-key']]]);

const encode = text =>
  encodeURIComponent(text).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const decode = text => {
  try {
    return decodeURIComponent(text);
  } catch (e) {
    return text;
  }
};
const sha256 = text => crypto.createHash('sha256').update(text).digest('hex');
const hmac = (key, text) => crypto.createHmac('sha256', key).update(text).digest();

function s3Error(ctx, status, code, message) {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

async function verifySigV4(ctx, next) {
  const authorization = ctx.get('authorization');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) return s3Error(ctx, 403, 'AccessDenied', 'Access Denied');
  const [, accessKey, date, region, signedHeaders, signature] = match;
  const secret = secrets.get(accessKey);
  if (secret === undefined) return next();
  const amzDate = ctx.get('x-amz-date');
  const names = signedHeaders.split(';');
  if (!amzDate.startsWith(date) || !['host', 'x-amz-date', 'x-amz-content-sha256'].every(n => names.includes(n))) {
    return s3Error(ctx, 400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed');
  }
  const [rawPath, rawQuery = ''] = ctx.originalUrl.split(/\?(.*)/s);
  const canonicalUri = rawPath.split('/').map(segment => encode(decode(segment))).join('/');
  const canonicalQuery = rawQuery
    .split('&')
    .filter(part => part !== '')
    .map(part => {
      const at = part.indexOf('=');
      const name = at < 0 ? part : part.slice(0, at);
      const value = at < 0 ? '' : part.slice(at + 1);
      return [encode(decode(name)), encode(decode(value))];
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = names
    .map(name => `${name}:${String(ctx.get(name)).trim().replace(/ +/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    ctx.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    ctx.get('x-amz-content-sha256'),
  ].join('\n');
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac('AWS4' + secret, date), region), 's3'), 'aws4_request');
  const expected = hmac(key, stringToSign).toString('hex');
  if (expected !== signature) {
    return s3Error(
      ctx,
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. ' +
        'Check your key and signing method.',
    );
  }
  return next();
}

const options = {
  address: '127.0.0.1',
  port: 0,
  silent: false,
  directory: args.directory,
  configureBuckets: [{ name: args.bucket }],
};
if (args.key) options.key = fs.readFileSync(args.key);
if (args.cert) options.cert = fs.readFileSync(args.cert);
const server = new S3rver(options);
server.middleware.unshift(verifySigV4);
server
  .run()
  .then(({ address, port }) => console.log(`listening on ${address}:${port}`))
  .catch(err => {
    console.error(err);
    process.exit(1);
  });
