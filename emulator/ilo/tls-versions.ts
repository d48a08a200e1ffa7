import type { SecureVersion } from 'node:tls';
import type { IloModel } from './ilo-device.js';

/**
 * The TLS versions each generation's web server speaks.
 *
 * An iLO 2 speaks TLS 1.0: that is why fence_ilo has `--tls1.0` and retries
 * with a TLS 1.0-only priority string when its first handshake meets EOF
 * (docs/reference/ilo.md §2). Node's default floor is TLS 1.2, so TLS 1.0 has
 * to be allowed explicitly, and OpenSSL 3 only completes a TLS 1.0 handshake
 * (SHA-1 signatures) at security level 0.
 *
 * [unverified] The upper bound, and TLS 1.0 on iLO 3–5: no board was measured.
 * These generations predate TLS 1.3; we assume the firmware versions in
 * ILO_IDENTITY accept TLS 1.0 through 1.2 in their default security state, and
 * do not emulate stricter states (iLO 5 "HighSecurity"). A board that refuses
 * TLS 1.0 would show up as fence_ilo --tls1.0 failing, which the emulator
 * would then hide: change the row here when a real board says otherwise.
 */
export const ILO_TLS: Record<IloModel, { min: SecureVersion; max: SecureVersion }> = {
  ilo2: { min: 'TLSv1', max: 'TLSv1.2' },
  ilo3: { min: 'TLSv1', max: 'TLSv1.2' },
  ilo4: { min: 'TLSv1', max: 'TLSv1.2' },
  ilo5: { min: 'TLSv1', max: 'TLSv1.2' },
};

/** Options for tls.createSecureContext that make a generation's range work under OpenSSL 3. */
export function tlsContextOptions(model: IloModel): {
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  ciphers?: string;
} {
  const { min, max } = ILO_TLS[model];
  return min === 'TLSv1' || min === 'TLSv1.1'
    ? { minVersion: min, maxVersion: max, ciphers: 'DEFAULT:@SECLEVEL=0' }
    : { minVersion: min, maxVersion: max };
}
