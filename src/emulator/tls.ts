import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { generate } from "selfsigned";
import type { TlsMaterial } from "./state.js";

/**
 * A self-signed certificate for the emulator's HTTPS endpoint, made in pure JS (no download, no
 * openssl). It is its own CA: clients trust it with `tlsOptions: { ca }` or NODE_EXTRA_CA_CERTS.
 */
export async function createCertificate(host: string): Promise<TlsMaterial> {
  const names = new Set(["localhost", "127.0.0.1", "::1", host]);
  const altNames = [...names].map((name) => (isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name }));
  const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000);
  const notAfterDate = new Date(Date.now() + 365 * 24 * 60 * 60 * 1000);
  const result = await generate([{ name: "commonName", value: "twilio-conversations-acs emulator" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return { key: result.private, cert: result.cert };
}

/** Whether a saved certificate can serve `host` for a while longer. */
export function certificateFits(material: TlsMaterial, host: string): boolean {
  try {
    const certificate = new X509Certificate(material.cert);
    const stillValid = Date.parse(certificate.validTo) > Date.now() + 24 * 60 * 60 * 1000;
    const coversHost = isIP(host) ? certificate.checkIP(host) !== undefined : certificate.checkHost(host) !== undefined;
    return stillValid && coversHost;
  } catch {
    return false;
  }
}
