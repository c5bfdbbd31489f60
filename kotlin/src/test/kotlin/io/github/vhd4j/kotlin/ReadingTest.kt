package io.github.vhd4j.kotlin

import io.github.vhd4j.CheckOptions
import io.github.vhd4j.DiskType
import io.github.vhd4j.Extent
import io.github.vhd4j.OpenOptions
import io.github.vhd4j.ProblemCode
import io.github.vhd4j.SizePolicy
import io.github.vhd4j.SizeSource
import io.github.vhd4j.StorageMode
import io.github.vhd4j.Vhd
import io.github.vhd4j.mmap.MappedStorage
import io.github.vhd4j.testing.MemoryChannel
import io.github.vhd4j.testing.TestImage
import java.io.EOFException
import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.channels.NonWritableChannelException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardOpenOption
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/** Opening, reading and mapping images the way Kotlin code would, with `use`, properties and lambdas. */
internal class ReadingTest {
  @TempDir
  lateinit var dir: Path

  private val blockSize = 512L * 1024

  /** A 3 MiB dynamic disk: block 0 partly written, block 2 random across its end, the rest unallocated. */
  private fun sample(): TestImage =
    TestImage.dynamic(3L shl 20, blockSize)
      .fill(4096, 1000, 0x5a)
      .random(2 * blockSize - 300, 2000, 42)

  @Test
  fun shouldReadThroughUseWithBuffersAndStreams() {
    val source = sample()
    val expected = source.expectedContent()
    val path = source.writeTo(dir.resolve("disk.vhd"))

    val streamed = Vhd.open(path).use { image ->
      val whole = ByteBuffer.allocate(image.size.toInt())
      image.readFully(0, whole)
      assertContentEquals(expected, whole.array())

      val sector = ByteBuffer.allocate(Vhd.SECTOR_SIZE)
      assertEquals(Vhd.SECTOR_SIZE, image.read(4096, sector))
      assertEquals(0x5a.toByte(), sector.get(0))
      assertEquals(-1, image.read(image.size, ByteBuffer.allocate(1)))
      assertFailsWith<EOFException> { image.readFully(image.size - 10, ByteBuffer.allocate(20)) }
      assertFailsWith<IllegalArgumentException> { image.read(-1, ByteBuffer.allocate(1)) }

      image.newChannel().use { channel ->
        channel.position(2 * blockSize - 300)
        val tail = ByteBuffer.allocate(2000)
        while (tail.hasRemaining() && channel.read(tail) >= 0) {
          // keep reading: a channel may return fewer bytes than asked
        }
        val from = (2 * blockSize - 300).toInt()
        assertContentEquals(expected.copyOfRange(from, from + 2000), tail.array())
        assertFailsWith<NonWritableChannelException> { channel.write(ByteBuffer.allocate(1)) }
      }
      image.newInputStream().use { it.readBytes() }
    }
    assertContentEquals(expected, streamed)
  }

  @Test
  fun shouldRefuseUseAfterTheUseBlockClosedTheImage() {
    val path = sample().writeTo(dir.resolve("disk.vhd"))
    val escaped = Vhd.open(path).use { it }
    assertFailsWith<IllegalStateException> { escaped.read(0, ByteBuffer.allocate(1)) }
  }

  @Test
  fun shouldExposeRecordsAsProperties() {
    val source = sample()
    source.creatorApp = "qemu"
    source.timestamp = 0x2B000000L
    val path = source.writeTo(dir.resolve("disk.vhd"))

    Vhd.open(path).use { image ->
      val footer = image.footer
      assertEquals(3L shl 20, footer.currentSize)
      assertEquals(footer.currentSize, footer.originalSize)
      assertEquals("qemu", footer.creatorApplication)
      assertEquals(source.uuid, footer.uniqueId)
      assertEquals(DiskType.DYNAMIC, footer.diskType)
      assertEquals(DiskType.DYNAMIC, image.diskType)
      assertFalse(footer.isSavedState)
      assertEquals(0x2B000000L + 946_684_800L, footer.timestampInstant().epochSecond)

      // Creator "qemu" makes AUTO take the CHS size: the specification's geometry for 3 MiB,
      // 90/4/17, addresses only 3,133,440 bytes.
      val geometry = footer.geometry
      assertEquals(source.cylinders, geometry.cylinders)
      assertEquals(source.heads, geometry.heads)
      assertEquals(source.sectorsPerTrack, geometry.sectorsPerTrack)
      val info = image.sizeInfo
      assertEquals(SizePolicy.AUTO, info.policy)
      assertEquals(SizeSource.CHS, info.source)
      assertEquals(geometry.capacity(), info.chsSize)
      assertEquals(info.chsSize, info.virtualSize)
      assertEquals(info.virtualSize, image.size)
      assertEquals(3_133_440L, image.size)

      // Nullable in the Java API, so Kotlin needs ?. or !! here (NullnessTest checks the types).
      val header = image.dynamicHeader
      assertEquals(blockSize, header?.blockSize)
      assertEquals(blockSize, image.blockSize)
      assertEquals(1536L, header?.tableOffset)
      assertEquals(512L, image.dynamicHeader!!.bitmapSize())
      assertEquals(8, header?.parentLocators?.size)
      assertNull(image.parent?.footer)
      assertNull(image.parentResolution?.source)
      assertEquals(path, image.path)
      assertEquals(listOf(image), image.chain)
    }

    Vhd.open(path, OpenOptions.defaults().withSizePolicy(SizePolicy.CURRENT_SIZE)).use { image ->
      assertEquals(SizeSource.CURRENT_SIZE, image.sizeInfo.source)
      assertEquals(3L shl 20, image.size)
    }
  }

  @Test
  fun shouldHaveNoDynamicHeaderOnFixedDisks() {
    val path = TestImage.fixed(1L shl 20).random(0, 4096, 7).writeTo(dir.resolve("fixed.vhd"))
    Vhd.open(path).use { image ->
      assertEquals(DiskType.FIXED, image.diskType)
      assertNull(image.dynamicHeader)
      assertEquals(0L, image.blockSize)
      val blockSizeOrZero = image.dynamicHeader?.blockSize ?: 0L
      assertEquals(0L, blockSizeOrZero)
      assertEquals(listOf(Extent(0, 1L shl 20, 0, true, 0)), image.map())
    }
  }

  @Test
  fun shouldWalkTheMapWithListsAndTrailingLambdas() {
    val source = sample()
    val path = source.writeTo(dir.resolve("disk.vhd"))
    Vhd.open(path, OpenOptions.defaults().withSizePolicy(SizePolicy.CURRENT_SIZE)).use { image ->
      val map = image.map()
      val walked = mutableListOf<Extent>()
      image.forEachExtent(0, image.size) { extent -> walked += extent }
      assertEquals(map, walked)

      // Runs cover the disk in order without gaps.
      assertEquals(0L, map.first().start)
      assertEquals(image.size, map.last().end())
      map.zipWithNext { a, b -> assertEquals(a.end(), b.start) }

      // Block 0 and blocks 1 and 2 (written across their boundary) are data, block 3 and beyond
      // zero; the bitmap stored before each block keeps the data runs from merging.
      val data = map.filter { it.data }
      assertEquals(listOf(0L, blockSize, 2 * blockSize), data.map { it.start })
      assertEquals((0..2).map { source.blockOffset(it) + 512 }, data.map { it.fileOffset })
      assertTrue(map.filterNot { it.data }.all { it.fileOffset == -1L && it.depth == 0 })
      val dataBytes = map.filter(Extent::data).sumOf(Extent::length)
      assertEquals(3 * blockSize, dataBytes)

      var zeros = 0L
      image.forEachExtent(2 * blockSize, blockSize * 10) { if (!it.data) zeros += it.length }
      assertEquals(image.size - 3 * blockSize, zeros)
    }
  }

  @Test
  fun shouldOpenInMemoryImages() {
    val source = sample()
    Vhd.open(ByteBuffer.wrap(source.toBytes()), OpenOptions.defaults()).use { image ->
      assertNull(image.path)
      assertEquals("memory", image.resource)
      val bytes = image.newInputStream().use { it.readBytes() }
      assertNotNull(bytes)
      assertEquals(image.size, bytes.size.toLong())
    }
  }

  @Test
  fun shouldOpenInMemoryImagesWithTheDefaults() {
    val source = sample()
    Vhd.open(ByteBuffer.wrap(source.toBytes())).use { image ->
      assertEquals(OpenOptions.defaults().sizePolicy, image.sizeInfo.policy)
      assertContentEquals(source.expectedContent(), image.newInputStream().use { it.readBytes() })
    }
  }

  @Test
  fun shouldOpenChannelsThatStayTheCallers() {
    val source = sample()
    val expected = source.expectedContent()
    val path = source.writeTo(dir.resolve("disk.vhd"))
    FileChannel.open(path, StandardOpenOption.READ).use { channel ->
      Vhd.open(channel, OpenOptions.defaults()).use { image ->
        assertEquals("channel", image.resource)
        assertNull(image.path)
        assertContentEquals(expected, image.newInputStream().use { it.readBytes() })
      }
      assertTrue(channel.isOpen, "closing the image leaves the caller's channel open")
      Vhd.open(channel, "disk from a channel", OpenOptions.defaults()).use { image ->
        assertEquals("disk from a channel", image.resource)
        assertEquals(source.uuid, image.footer.uniqueId)
      }
      val report = Vhd.check(channel, "checked", CheckOptions.defaults())
      assertEquals("checked", report.resource)
      assertFalse(report.hasErrors(), "${report.problems}")
    }
    // Any seekable channel will do, even one that returns a few bytes per read.
    MemoryChannel(source.toBytes(), 100).use { channel ->
      Vhd.open(channel, "trickle", OpenOptions.defaults()).use { image ->
        val bytes = ByteBuffer.allocate(image.size.toInt())
        image.readFully(0, bytes)
        assertContentEquals(expected, bytes.array())
      }
    }
  }

  @Test
  fun shouldHandOutZeroCopyViewsOnlyOfMemory() {
    val source = sample()
    val expected = source.expectedContent()
    Vhd.open(ByteBuffer.wrap(source.toBytes())).use { image ->
      // Stored contiguously in memory: a view. Unallocated: null, and Kotlin makes the caller say what then.
      val view = image.view(4096, 1000) ?: error("block 0 stores this range")
      assertTrue(view.isReadOnly)
      assertContentEquals(expected.copyOfRange(4096, 5096), ByteArray(view.remaining()).also { view.get(it) })
      assertNull(image.view(3 * blockSize, 512))
      val zeros = image.view(3 * blockSize, 512)?.remaining() ?: 0
      assertEquals(0, zeros)
      assertFailsWith<IllegalArgumentException> { image.view(image.size, 1) }
    }
    Vhd.open(source.writeTo(dir.resolve("disk.vhd"))).use { image ->
      assertNull(image.view(4096, 1000), "a file read through a channel has no memory to share")
    }
  }

  @Test
  fun shouldReadThroughMemoryMapping() {
    val source = sample()
    val expected = source.expectedContent()
    val path = source.writeTo(dir.resolve("disk.vhd"))
    assertTrue(MappedStorage.isUnmapSupported(), "every standard JDK 17+ unmaps on close")
    val mapped = MappedStorage.options()
    assertEquals(StorageMode.MAPPED, mapped.storage)
    assertEquals(OpenOptions.defaults().withStorage(StorageMode.MAPPED), mapped)
    Vhd.open(path, mapped).use { image ->
      assertTrue(image.warnings.none { it.code == ProblemCode.STORAGE_FALLBACK }, "${image.warnings}")
      assertContentEquals(expected, image.newInputStream().use { it.readBytes() })
      val view = image.view(4096, 1000) ?: error("a mapped file shares its memory")
      assertEquals(expected[4096], view.get(0))
    }
    // Small chunks: every read crosses chunk boundaries, with the same result.
    Vhd.open(path, mapped.withMapChunkSize(4096)).use { image ->
      val bytes = ByteBuffer.allocate(image.size.toInt())
      image.readFully(0, bytes)
      assertContentEquals(expected, bytes.array())
    }
  }

  @Test
  fun shouldProbeFilesWithoutOpeningThem() {
    val vhd = sample().writeTo(dir.resolve("disk.vhd"))
    val raw = Files.write(dir.resolve("disk.raw"), ByteArray(4096) { 1 })
    val damaged = TestImage.fixed(64L * 1024).also { it.footerChecksum = 1L }.writeTo(dir.resolve("damaged.vhd"))
    assertTrue(Vhd.probe(vhd))
    assertTrue(Vhd.hasFooterCookie(vhd))
    assertFalse(Vhd.probe(raw))
    assertFalse(Vhd.hasFooterCookie(raw))
    assertFalse(Vhd.probe(damaged), "a footer with a wrong checksum is not a valid footer")
    assertTrue(Vhd.hasFooterCookie(damaged), "but it is a damaged VHD, not raw data")
  }

  @Test
  fun shouldCloseOnceAndKeepAnsweringMetadata() {
    val path = sample().writeTo(dir.resolve("disk.vhd"))
    val image = Vhd.open(path)
    val size = image.size
    image.close()
    image.close()
    assertEquals(size, image.size, "parsed metadata outlives close")
    assertEquals(DiskType.DYNAMIC, image.footer.diskType)
    assertFailsWith<IllegalStateException> { image.newChannel() }
    assertFailsWith<IllegalStateException> { image.map() }
  }
}
