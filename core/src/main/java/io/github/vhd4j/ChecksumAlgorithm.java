package io.github.vhd4j;

/**
 * A message digest {@link DiskImages#checksum} can compute over a virtual disk's content, through
 * the JDK's {@link java.security.MessageDigest}: the JDK's own provider ({@code SUN}) implements
 * all three, and code compiled by HotSpot's C2 compiler runs their compression loops as
 * intrinsics (SHA-256 with the x86-64 SHA extensions or AVX2, SHA-512 with AVX2, where the CPU has
 * them: {@code -XX:+UseSHA}, on by default), about ten times faster than C1-compiled code (jmh/RESULTS.md). A
 * JVM whose providers lack one (a FIPS-only configuration without MD5) refuses it with an
 * {@link IllegalArgumentException} when the checksum starts.
 */
public enum ChecksumAlgorithm {
  /** SHA-256 (FIPS 180-4): 32-byte digests, what {@code sha256sum} prints. */
  SHA256("SHA-256", "sha256", 32),
  /** SHA-512 (FIPS 180-4): 64-byte digests, what {@code sha512sum} prints. */
  SHA512("SHA-512", "sha512", 64),
  /** MD5 (RFC 1321): 16-byte digests, what {@code md5sum} prints; not for security. */
  MD5("MD5", "md5", 16);

  private final String jcaName;
  private final String shortName;
  private final int digestLength;

  ChecksumAlgorithm(String jcaName, String shortName, int digestLength) {
    this.jcaName = jcaName;
    this.shortName = shortName;
    this.digestLength = digestLength;
  }

  /**
   * Returns the name {@link java.security.MessageDigest#getInstance(String)} knows the algorithm
   * by.
   *
   * @return for example {@code "SHA-256"}
   */
  public String jcaName() {
    return jcaName;
  }

  /**
   * Returns the lower-case name tools print (the prefix of {@code sha256sum}; {@code vhd checksum
   * -a} takes it).
   *
   * @return for example {@code "sha256"}
   */
  public String shortName() {
    return shortName;
  }

  /**
   * Returns the length of the algorithm's digests.
   *
   * @return the number of bytes, half the number of hexadecimal digits
   */
  public int digestLength() {
    return digestLength;
  }

  /**
   * Returns the algorithm a short name or a JCA name stands for, in any case.
   *
   * @param name for example {@code sha256}, {@code SHA-512} or {@code md5}
   * @return the algorithm
   * @throws IllegalArgumentException if no algorithm has that name
   */
  public static ChecksumAlgorithm named(String name) {
    for (ChecksumAlgorithm a : values()) {
      if (a.shortName.equalsIgnoreCase(name) || a.jcaName.equalsIgnoreCase(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown checksum algorithm '" + name + "' (sha256, sha512 or md5)");
  }
}
