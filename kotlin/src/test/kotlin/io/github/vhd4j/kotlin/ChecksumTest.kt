package io.github.vhd4j.kotlin

import io.github.vhd4j.BlockChecksum
import io.github.vhd4j.ChecksumAlgorithm
import io.github.vhd4j.ChecksumOptions
import io.github.vhd4j.ContentChecksum
import io.github.vhd4j.DiskImages
import io.github.vhd4j.testing.TestImage
import java.nio.file.Path
import java.security.MessageDigest
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * Content digests from Kotlin: [DiskImages.checksum] with a trailing progress lambda,
 * [DiskImages.checksumBlocks] with a trailing block lambda, and the records and options read as
 * properties.
 */
internal class ChecksumTest {
  @TempDir
  lateinit var dir: Path

  private val mib = 1L shl 20

  @Test
  fun shouldHashTheContentAndStreamTheManifest() {
    val t = TestImage.dynamic(4 * mib, 2 * mib).random(1000, 5000, 1)
    val path = t.writeTo(dir.resolve("d.vhd"))
    val content = t.expectedContent()
    val expected = MessageDigest.getInstance("SHA-256").digest(content)

    DiskImages.open(path).use { image ->
      var last = 0L
      val sum: ContentChecksum = DiskImages.checksum(image, ChecksumOptions.defaults()) { done, _ -> last = done }
      assertContentEquals(expected, sum.digestBytes())
      assertEquals(expected.joinToString("") { "%02x".format(it) }, sum.digest)
      assertEquals(ChecksumAlgorithm.SHA256, sum.algorithm)
      assertEquals(4 * mib, sum.size)
      assertEquals(0L, sum.blockSize)
      assertEquals(4 * mib, last)

      val options = ChecksumOptions.defaults().withAlgorithm(ChecksumAlgorithm.named("md5")).withBlockSize(mib)
      assertTrue(options.hasManifest())
      val streamed = mutableListOf<BlockChecksum>()
      val md5 = DiskImages.checksumBlocks(image, options) { streamed += it }
      assertTrue(md5.blocks.isEmpty())
      assertEquals(4, streamed.size)
      val second = streamed[1]
      assertEquals(mib, second.offset)
      assertEquals(mib, second.length)
      assertEquals(2 * mib, second.end())
      assertTrue(second.data, "block 0 of the VHD is stored")
      assertFalse(streamed[2].data)
      assertContentEquals(
        MessageDigest.getInstance(options.algorithm.jcaName()).digest(content.copyOfRange(mib.toInt(), 2 * mib.toInt())),
        second.digestBytes())
      assertEquals(2 * ChecksumAlgorithm.MD5.digestLength(), second.digest.length)
      assertEquals("md5", options.algorithm.shortName())
      assertEquals(mib, options.blockSize)
    }
  }

  @Test
  fun shouldBuildAndRefuseValues() {
    val block = BlockChecksum(0, 512, "00", false)
    val whole = ContentChecksum(ChecksumAlgorithm.SHA512, "ff", 512, 512, listOf(block))
    assertEquals(listOf(block), whole.blocks)
    assertEquals(ChecksumOptions(ChecksumAlgorithm.SHA256, 0), ChecksumOptions.defaults())
    assertFailsWith<IllegalArgumentException> { ChecksumOptions.defaults().withBlockSize(100) }
  }
}
