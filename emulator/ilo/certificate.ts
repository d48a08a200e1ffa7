import { createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { writeFileAtomic } from '../state-file.js';

/**
 * The iLO emulator's TLS identity: a self-signed certificate whose subject
 * alternative names cover every address it listens on, plus `localhost`.
 * riloe verifies the certificate and the host name (against SSL_CERT_FILE), so
 * a certificate that does not name the address is useless to it.
 *
 * - `--cert`/`--key` given: used as they are, never replaced.
 * - `--state FILE` given: kept beside it as FILE.tls-cert.pem and
 *   FILE.tls-key.pem (0600); made on first start, and made again only when
 *   it no longer names every listen address, or has expired.
 * - Neither: made in memory for this run.
 *
 * Node can sign but cannot build X.509 structures, so @peculiar/x509 (MIT)
 * builds the certificate, over Node's own WebCrypto. It is loaded only when a
 * certificate has to be made. It needs a Reflect metadata polyfill
 * (reflect-metadata, Apache-2.0), loaded with it.
 */
export interface TlsIdentity {
  cert: string;
  key: string;
  /** Where the certificate is kept, if anywhere (what to give riloe as SSL_CERT_FILE). */
  certFile: string | null;
  keyFile: string | null;
  /** Made during this start (rather than read). */
  generated: boolean;
  /** Why an existing certificate was replaced, if it was. */
  replaced: string | null;
  /** SHA-256 fingerprint, `AA:BB:…`. */
  fingerprint256: string;
}

export interface CertificateOptions {
  certFile?: string;
  keyFile?: string;
  stateFile?: string;
  /** The listen hosts (IP addresses or names) the certificate must name. */
  hosts: string[];
  /** Common name of the subject. */
  commonName?: string;
}

export class CertificateError extends Error {}

/** The files a certificate is kept in beside a state file. */
export function certificateFilesFor(stateFile: string): { certFile: string; keyFile: string } {
  const dir = path.dirname(stateFile);
  const base = path.basename(stateFile);
  return { certFile: path.join(dir, `${base}.tls-cert.pem`), keyFile: path.join(dir, `${base}.tls-key.pem`) };
}

/** The names a certificate must carry for these listen hosts: wildcard addresses mean loopback. */
export function subjectNames(hosts: string[]): { ips: string[]; dns: string[] } {
  const ips = new Set<string>();
  const dns = new Set<string>(['localhost']);
  for (const h of hosts) {
    if (h === '0.0.0.0' || h === '') ips.add('127.0.0.1');
    else if (h === '::') ips.add('::1');
    else if (net.isIP(h)) ips.add(h);
    else dns.add(h.toLowerCase());
  }
  return { ips: [...ips], dns: [...dns] };
}

export async function loadOrCreateCertificate(opts: CertificateOptions): Promise<TlsIdentity> {
  if (opts.certFile || opts.keyFile) {
    if (!opts.certFile || !opts.keyFile) throw new CertificateError('--cert and --key go together: give both');
    const cert = readFile(opts.certFile, 'certificate');
    const key = readFile(opts.keyFile, 'key');
    const x509 = check(cert, key, `${opts.certFile} / ${opts.keyFile}`);
    return {
      cert,
      key,
      certFile: opts.certFile,
      keyFile: opts.keyFile,
      generated: false,
      replaced: null,
      fingerprint256: x509.fingerprint256,
    };
  }
  const names = subjectNames(opts.hosts);
  let replaced: string | null = null;
  if (opts.stateFile) {
    const { certFile, keyFile } = certificateFilesFor(opts.stateFile);
    if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
      const cert = readFile(certFile, 'certificate');
      const key = readFile(keyFile, 'key');
      const x509 = check(cert, key, certFile);
      replaced = stale(x509, names);
      if (!replaced)
        return { cert, key, certFile, keyFile, generated: false, replaced: null, fingerprint256: x509.fingerprint256 };
    }
    const made = await generateCertificate(names, opts.commonName);
    writeFileAtomic(certFile, made.cert, 0o644);
    writeFileAtomic(keyFile, made.key, 0o600);
    return {
      ...made,
      certFile,
      keyFile,
      generated: true,
      replaced,
      fingerprint256: new X509Certificate(made.cert).fingerprint256,
    };
  }
  const made = await generateCertificate(names, opts.commonName);
  return {
    ...made,
    certFile: null,
    keyFile: null,
    generated: true,
    replaced: null,
    fingerprint256: new X509Certificate(made.cert).fingerprint256,
  };
}

function readFile(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CertificateError(`cannot read the TLS ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** A certificate and key that belong together, or an error saying what is wrong. */
function check(cert: string, key: string, where: string): X509Certificate {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new CertificateError(`${where}: not a PEM certificate: ${(err as Error).message}`, { cause: err });
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new CertificateError(`${where}: not a PEM private key: ${(err as Error).message}`, { cause: err });
  }
  if (!x509.checkPrivateKey(privateKey))
    throw new CertificateError(`${where}: the key does not belong to the certificate`);
  return x509;
}

/** Why a kept certificate can no longer serve, or null if it still can. */
function stale(x509: X509Certificate, names: { ips: string[]; dns: string[] }): string | null {
  if (Date.parse(x509.validTo) <= Date.now()) return `it expired on ${x509.validTo}`;
  for (const ip of names.ips) if (!x509.checkIP(ip)) return `it does not name ${ip}`;
  for (const name of names.dns) if (!x509.checkHost(name)) return `it does not name ${name}`;
  return null;
}

/** Ten years, as an appliance's factory certificate. */
const VALID_DAYS = 3650;

async function generateCertificate(
  names: { ips: string[]; dns: string[] },
  commonName = 'fencekit iLO emulator',
): Promise<{ cert: string; key: string }> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as never);
  const algorithm = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive (RFC 5280 §4.1.2.2)
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${commonName.replace(/[,=+<>#;\\"]/g, ' ')}, O=fencekit`,
    notBefore: new Date(now - 24 * 3600 * 1000),
    notAfter: new Date(now + VALID_DAYS * 24 * 3600 * 1000),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      // A self-signed certificate that is also its own trust anchor (SSL_CERT_FILE).
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.keyCertSign,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...names.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const key = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
  return { cert: cert.toString('pem').replace(/\r\n/g, '\n').replace(/\n?$/, '\n'), key };
}
