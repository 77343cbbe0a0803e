import { generate } from 'selfsigned';

export type TlsKeyType = 'rsa' | 'ec';

export interface TlsMaterial {
  key: string;
  cert: string;
}

/**
 * A throw-away server certificate. RSA by default: the handshake cost dominates a
 * Connection: close storm, and RSA is what a service must offer the phones' old TLS stacks
 * (protocol.md §2.3), so the ceiling should pay the same price as a real deployment would.
 */
export async function selfSignedTls(keyType: TlsKeyType = 'rsa'): Promise<TlsMaterial> {
  const pems = await generate(
    [{ name: 'commonName', value: 'localhost' }],
    keyType === 'rsa' ? { keyType: 'rsa', keySize: 2048 } : { keyType: 'ec', curve: 'P-256' },
  );
  return { key: pems.private, cert: pems.cert };
}
