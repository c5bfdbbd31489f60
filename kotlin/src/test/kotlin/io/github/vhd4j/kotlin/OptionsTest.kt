package io.github.vhd4j.kotlin

import io.github.vhd4j.CheckOptions
import io.github.vhd4j.CreateOptions
import io.github.vhd4j.DiskType
import io.github.vhd4j.Durability
import io.github.vhd4j.OpenOptions
import io.github.vhd4j.ParentResolver
import io.github.vhd4j.SizeMode
import io.github.vhd4j.SizePolicy
import io.github.vhd4j.SourceResolver
import io.github.vhd4j.StorageMode
import io.github.vhd4j.Vhd
import java.nio.file.Path
import java.util.UUID
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertNull
import kotlin.test.assertSame
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

/**
 * The three options records: components read as properties, withers chained the way Kotlin chains
 * `copy(...)`, each wither changing one component and leaving the original alone, and the
 * constructors refusing what cannot exist.
 */
internal class OptionsTest {
  private val dir: Path = Path.of("parents")

  @Test
  fun shouldChainOpenOptionWithers() {
    val defaults = OpenOptions.defaults()
    assertFalse(defaults.lenient)
    assertEquals(SizePolicy.AUTO, defaults.sizePolicy)
    assertTrue(defaults.footerRecovery)
    assertEquals(OpenOptions.DEFAULT_MAX_CHAIN_DEPTH, defaults.maxChainDepth)
    assertTrue(defaults.parentDirectories.isEmpty())
    assertNull(defaults.parentResolver)
    assertNull(defaults.sourceResolver)
    assertTrue(defaults.verifyParentUuid)
    assertEquals(StorageMode.FILE_CHANNEL, defaults.storage)
    assertEquals(OpenOptions.DEFAULT_MAP_CHUNK_SIZE, defaults.mapChunkSize)
    assertFalse(defaults.writable)
    assertEquals(Durability.SYNC_ALLOCATIONS, defaults.durability)
    assertTrue(defaults.locking)

    val resolver = ParentResolver { listOf(it.suggestedPaths.first()) }
    // A source resolver in Kotlin: a lambda whose null result means "no such file".
    val sources = SourceResolver { _, _ -> null }
    val changed = defaults
      .withLenient(true)
      .withSizePolicy(SizePolicy.CURRENT_SIZE)
      .withFooterRecovery(false)
      .withMaxChainDepth(3)
      .withParentDirectories(listOf(dir))
      .withParentResolver(resolver)
      .withVerifyParentUuid(false)
      .withStorage(StorageMode.MAPPED)
      .withMapChunkSize(4096)
      .withWritable(true)
      .withDurability(Durability.ON_FLUSH)
      .withLocking(false)
      .withSourceResolver(sources)
    val expected =
      OpenOptions(true, SizePolicy.CURRENT_SIZE, false, 3, listOf(dir), resolver, sources, false, StorageMode.MAPPED,
        4096, true, Durability.ON_FLUSH, false)
    assertEquals(expected, changed)
    assertSame(resolver, changed.parentResolver)
    assertSame(sources, changed.sourceResolver)
    assertNull(changed.withSourceResolver(null).sourceResolver)
    assertEquals(listOf(dir), changed.parentDirectories)
    assertEquals(OpenOptions.defaults(), defaults, "withers copy; the defaults stay as they were")
    assertEquals(defaults.withWritable(true), OpenOptions.forWriting())
    assertTrue(OpenOptions.forWriting().writable)
    assertEquals(Durability.NONE, OpenOptions.forWriting().withDurability(Durability.NONE).durability)
    assertTrue(OpenOptions.defaults().locking, "locks are taken by default")
    assertFalse(changed.locking)
  }

  @Test
  fun shouldRefuseImpossibleOpenOptions() {
    val depth = assertFailsWith<IllegalArgumentException> { OpenOptions.defaults().withMaxChainDepth(0) }
    assertTrue(depth.message.orEmpty().contains("maxChainDepth"), depth.message)
    assertFailsWith<IllegalArgumentException> {
      OpenOptions.defaults().withMaxChainDepth(OpenOptions.MAX_CHAIN_DEPTH_LIMIT + 1)
    }
    assertFailsWith<IllegalArgumentException> { OpenOptions.defaults().withMapChunkSize(1000) }
    assertFailsWith<IllegalArgumentException> { OpenOptions.defaults().withMapChunkSize(256) }
    assertEquals(1L shl 30, OpenOptions.defaults().withMapChunkSize(1L shl 30).mapChunkSize)
    // The list is copied: changing the caller's list later changes nothing.
    val dirs = mutableListOf(dir)
    val options = OpenOptions.defaults().withParentDirectories(dirs)
    dirs.add(Path.of("elsewhere"))
    assertEquals(listOf(dir), options.parentDirectories)
  }

  @Test
  fun shouldStartCreateOptionsFromTheirFactories() {
    val fixed = CreateOptions.fixed(1L shl 20)
    assertEquals(DiskType.FIXED, fixed.diskType)
    assertEquals(1L shl 20, fixed.size)
    assertEquals(SizeMode.CHS, fixed.sizeMode)
    assertEquals(CreateOptions.DEFAULT_BLOCK_SIZE, fixed.blockSize)
    assertFalse(fixed.azure)
    assertFalse(fixed.aligned)
    assertNull(fixed.parent)
    assertNull(fixed.uniqueId)
    assertEquals(OpenOptions.defaults(), fixed.openOptions)

    val dynamic = CreateOptions.dynamic(8L shl 20)
    assertEquals(DiskType.DYNAMIC, dynamic.diskType)
    assertEquals(SizeMode.CHS, dynamic.sizeMode)

    val child = CreateOptions.differencing(Path.of("base.vhd"))
    assertEquals(DiskType.DIFFERENCING, child.diskType)
    assertEquals(Path.of("base.vhd"), child.parent)
    assertEquals(-1L, child.size, "-1: the parent's size")
    assertEquals(SizeMode.EXACT, child.sizeMode)

    val azure = CreateOptions.azure(20L shl 20)
    assertEquals(DiskType.FIXED, azure.diskType)
    assertTrue(azure.azure)
    assertEquals(SizeMode.EXACT, azure.sizeMode)
    assertEquals(CreateOptions.AZURE_MIN_SIZE, azure.size)
  }

  @Test
  fun shouldChainCreateOptionWithers() {
    val id = UUID.fromString("00000000-0000-0000-0000-0000000000ab")
    val open = OpenOptions.defaults().withDurability(Durability.ON_FLUSH)
    val options = CreateOptions.dynamic(8L shl 20)
      .withSize(16L shl 20)
      .withBlockSize(64L shl 10)
      .withSizeMode(SizeMode.EXACT)
      .withAligned(true)
      .withUniqueId(id)
      .withOpenOptions(open)
    assertEquals(
      CreateOptions(DiskType.DYNAMIC, 16L shl 20, 64L shl 10, SizeMode.EXACT, false, null, true, id, open), options)
    assertEquals(id, options.uniqueId)
    assertTrue(options.aligned)
    assertSame(open, options.openOptions)
    assertNull(options.withUniqueId(null).uniqueId, "null asks for a random UUID")
    assertNotEquals(options, options.withAligned(false))
  }

  @Test
  fun shouldRefuseCreateOptionsThatDescribeNoImage() {
    fun refused(block: () -> CreateOptions): String =
      assertFailsWith<IllegalArgumentException> { block() }.message.orEmpty()

    assertTrue("power of two" in refused { CreateOptions.dynamic(1L shl 20).withBlockSize(3000) })
    assertTrue("aligned" in refused { CreateOptions.fixed(1L shl 20).withAligned(true) })
    assertTrue("Azure" in refused { CreateOptions.azure(20L shl 20).withSize((21L shl 20) + 1) })
    assertTrue("SizeMode.EXACT" in refused { CreateOptions.azure(20L shl 20).withSizeMode(SizeMode.CHS) })
    assertTrue("whole number of 512-byte sectors" in
      refused { CreateOptions.fixed(1000).withSizeMode(SizeMode.EXACT) })
    assertTrue("needs a parent" in
      refused { CreateOptions(DiskType.DIFFERENCING, -1, 512, SizeMode.EXACT, false, null, false, null,
        OpenOptions.defaults()) })
    assertTrue("at most" in refused { CreateOptions.dynamic(Vhd.MAX_DYNAMIC_SIZE + Vhd.SECTOR_SIZE) })
    assertTrue("negative" in refused { CreateOptions.fixed(-1) })
  }

  @Test
  fun shouldChainCheckOptionWithers() {
    val defaults = CheckOptions.defaults()
    assertFalse(defaults.deep)
    assertTrue(defaults.checkParents)
    assertFalse(defaults.azure)
    assertEquals(OpenOptions.defaults(), defaults.openOptions)

    val lenient = OpenOptions.defaults().withSizePolicy(SizePolicy.CHS)
    val options = defaults.withDeep(true).withCheckParents(false).withAzure(true).withOpenOptions(lenient)
    assertEquals(CheckOptions(true, false, lenient, true), options)
    assertTrue(options.deep)
    assertFalse(options.checkParents)
    assertTrue(options.azure)
    assertEquals(SizePolicy.CHS, options.openOptions.sizePolicy)
    assertEquals(CheckOptions.defaults(), defaults)
  }
}
