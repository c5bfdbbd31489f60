package io.github.vhd4j.kotlin

import io.github.vhd4j.CheckOptions
import io.github.vhd4j.DiskFormat
import io.github.vhd4j.DiskImages
import io.github.vhd4j.DiskType
import io.github.vhd4j.OpenOptions
import io.github.vhd4j.ProblemCode
import io.github.vhd4j.UnsupportedVhdFeatureException
import io.github.vhd4j.Vhdx
import io.github.vhd4j.VhdxHeader
import io.github.vhd4j.VhdxImage
import io.github.vhd4j.VhdxLogState
import io.github.vhd4j.VhdxMetadata
import io.github.vhd4j.VhdxMetadataItem
import io.github.vhd4j.VhdxParentLocator
import io.github.vhd4j.VhdxRegion
import io.github.vhd4j.testing.MemoryChannel
import io.github.vhd4j.testing.VhdxBuilder
import java.nio.ByteBuffer
import java.nio.file.Files
import java.nio.file.Path
import java.util.UUID
import kotlin.reflect.typeOf
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The VHDX API from Kotlin under strict nullness: the entry points, the image's structures as
 * records (read as properties, rebuilt with their constructors and compared by value), and what is
 * nullable (a parent, its locator and resolution) typed as nullable.
 */
internal class VhdxTest {
  @TempDir
  lateinit var dir: Path

  private val mib = 1L shl 20

  private fun image(): Path {
    val b = VhdxBuilder.dynamic(8 * mib, mib)
    b.block(2, ByteArray(4096) { 0x5a })
    return b.write(dir.resolve("d.vhdx"))
  }

  @Test
  fun shouldOpenAndReadEveryWay() {
    val p = image()
    val bytes = Files.readAllBytes(p)
    Vhdx.open(p).use { img ->
      nonNull(typeOf<VhdxImage>())
      assertEquals(DiskFormat.VHDX, img.format)
      assertEquals(DiskType.DYNAMIC, img.diskType)
      assertEquals(8 * mib, img.size)
      assertEquals(mib, img.blockSize)
      assertEquals(512, img.logicalSectorSize)
      assertTrue(img.physicalSectorSize == 512 || img.physicalSectorSize == 4096)
      val buf = ByteBuffer.allocate(4096)
      img.readFully(2 * mib, buf)
      assertEquals(0x5a.toByte(), buf.get(0))
      val parent: VhdxImage? = img.parent
      assertNull(parent)
      val locator: VhdxParentLocator? = img.parentLocator
      assertNull(locator)
      assertNull(img.parentResolution)
      assertEquals(listOf(img), img.chain)
      assertTrue(img.creator.isNotEmpty())
    }
    Vhdx.open(p, OpenOptions.defaults().withLenient(true)).use { assertEquals(8 * mib, it.size) }
    Vhdx.open(ByteBuffer.wrap(bytes), OpenOptions.defaults()).use { assertEquals(8 * mib, it.size) }
    Vhdx.open(MemoryChannel(bytes, 1 shl 16), "mem", OpenOptions.defaults()).use { assertEquals("mem", it.resource) }
    DiskImages.open(p).use { assertIs<VhdxImage>(it) }
    assertFailsWith<UnsupportedVhdFeatureException> { Vhdx.open(p, OpenOptions.forWriting()) }
  }

  @Test
  fun shouldCheckAndRepair() {
    val p = image()
    assertTrue(Vhdx.check(p).problems(io.github.vhd4j.Severity.ERROR).isEmpty())
    assertTrue(Vhdx.check(p, CheckOptions.defaults()).problems(io.github.vhd4j.Severity.ERROR).isEmpty())
    assertTrue(Vhdx.check(ByteBuffer.wrap(Files.readAllBytes(p)), CheckOptions.defaults()).problems.none {
      it.code == ProblemCode.VHDX_NO_VALID_HEADER
    })
    // A clean file needs no replay: nothing is planned, nothing written.
    val before = Files.readAllBytes(p)
    assertTrue(Vhdx.planRepair(p, OpenOptions.defaults()).isEmpty())
    assertTrue(Vhdx.repair(p, OpenOptions.defaults()).isEmpty())
    assertTrue(before.contentEquals(Files.readAllBytes(p)))
    assertEquals(1L shl 46, Vhdx.MAX_SIZE)
  }

  @Test
  fun shouldGiveStructuresAsRecords() {
    Vhdx.open(image()).use { img ->
      val h: VhdxHeader = img.header
      assertTrue(h.current)
      assertTrue(h.valid)
      assertFalse(h.logDirty())
      assertEquals(h, VhdxHeader(h.copy, h.fileOffset, h.valid, h.current, h.sequenceNumber, h.fileWriteGuid,
        h.dataWriteGuid, h.logGuid, h.logVersion, h.version, h.logLength, h.logOffset))
      assertEquals(2, img.headers.size)
      assertEquals(1, h.version)

      val regions: List<VhdxRegion> = img.regions
      for (r in regions) {
        assertEquals(r, VhdxRegion(r.guid, r.name, r.fileOffset, r.length, r.required))
      }
      assertEquals(setOf("BAT", "metadata"), regions.map { it.name }.toSet())

      val m: VhdxMetadata = img.metadata
      assertEquals(m, VhdxMetadata(m.blockSize, m.leaveBlockAllocated, m.hasParent, m.virtualSize, m.virtualDiskId,
        m.logicalSectorSize, m.physicalSectorSize, m.items))
      assertFalse(m.hasParent)
      assertFalse(m.leaveBlockAllocated)
      for (i in m.items) {
        assertEquals(i, VhdxMetadataItem(i.itemId, i.name, i.offset, i.length, i.user, i.virtualDisk, i.required,
          i.known))
        assertTrue(i.known)
      }

      val log: VhdxLogState = img.logState
      assertFalse(log.dirty)
      assertFalse(log.replayedInMemory)
      assertEquals(log, VhdxLogState(log.logGuid, log.offset, log.length, log.dirty, log.replayedInMemory,
        log.entries, log.firstSequence, log.lastSequence, log.bytes, log.lastFileOffset))
    }
  }

  @Test
  fun shouldReadLocatorEntriesByName() {
    val linkage = "{" + UUID.randomUUID() + "}"
    val loc = VhdxParentLocator(UUID.randomUUID(), linkedMapOf("parent_linkage" to linkage,
      "relative_path" to ".\\p.vhdx"))
    assertEquals(linkage, loc.parentLinkage())
    assertEquals(".\\p.vhdx", loc.relativePath())
    val absent: String? = loc.parentLinkage2()
    assertNull(absent)
    assertNull(loc.volumePath())
    assertNull(loc.absoluteWin32Path())
    assertEquals(listOf("parent_linkage", "relative_path"), loc.entries.keys.toList())
    assertTrue(loc.locatorType.toString().isNotEmpty())
  }
}
