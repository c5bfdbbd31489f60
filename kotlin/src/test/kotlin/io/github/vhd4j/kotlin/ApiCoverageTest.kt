package io.github.vhd4j.kotlin

import io.github.vhd4j.Vhd
import io.github.vhd4j.mmap.MappedStorage
import java.io.DataInputStream
import java.lang.reflect.Executable
import java.lang.reflect.Method
import java.lang.reflect.Modifier
import java.nio.file.Files
import java.nio.file.Path
import java.util.jar.JarFile
import kotlin.io.path.extension
import kotlin.io.path.inputStream
import kotlin.io.path.isDirectory
import kotlin.io.path.isRegularFile
import kotlin.io.path.listDirectoryEntries
import kotlin.io.path.name
import kotlin.test.assertContains
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

/**
 * Every public method and constructor of every public type in `io.github.vhd4j` and
 * `io.github.vhd4j.mmap` is used by these Kotlin tests: called, or (for the functional interfaces)
 * implemented by a lambda. A public member added without a Kotlin use fails the build.
 *
 * The uses are read from the compiled test classes rather than from the `.kt` sources: a call site
 * in a class file names the exact member (class, name and JVM descriptor), so each overload counts
 * on its own, and neither a word in a comment nor an unrelated call with the same name (`List.map`
 * for `VhdImage.map`, `SeekableByteChannel.read` for `VhdImage.read`) can stand in for a use. A
 * property access such as `image.size` compiles to the getter it stands for, `getSize()`.
 *
 * Not counted as API: the methods every object has (`equals`, `hashCode`, `toString`, which records
 * and some types declare), and the `values`/`valueOf` every enum has.
 *
 * Two more house rules are checked over the same members: no name that Kotlin would need in
 * backticks, and functional parameters last, where Kotlin's trailing lambda goes.
 */
internal class ApiCoverageTest {
  /**
   * Members a Kotlin test genuinely cannot use, in the form [key] reports them, each with the
   * reason. Empty: Kotlin can call and implement everything the API declares.
   */
  private val exclusions: Set<String> = setOf()

  private val packages = listOf("io/github/vhd4j/", "io/github/vhd4j/mmap/")

  @Test
  fun shouldUseEveryPublicMethodAndConstructorFromKotlin() {
    val api = publicApi()
    // The scan itself works: it finds members of both packages, and uses of them.
    assertContains(api.keys, "io/github/vhd4j/Vhd.open(Ljava/nio/file/Path;)Lio/github/vhd4j/VhdImage;")
    assertContains(api.keys, "io/github/vhd4j/mmap/MappedStorage.options()Lio/github/vhd4j/OpenOptions;")
    assertContains(api.keys, "io/github/vhd4j/ParentLocator\$Platform.label()Ljava/lang/String;")
    val used = usedMembers()
    assertContains(used, "io/github/vhd4j/Vhd.open(Ljava/nio/file/Path;)Lio/github/vhd4j/VhdImage;")

    val missing = (api.keys - used - exclusions).sorted()
    assertTrue(missing.isEmpty(), "public API not used from Kotlin (${missing.size}):\n" +
      missing.joinToString("\n") { "  ${api[it]}    [$it]" })
    val stale = exclusions - api.keys
    assertTrue(stale.isEmpty(), "exclusions that are no longer API: $stale")
  }

  @Test
  fun shouldNameNoMemberAfterAKotlinKeyword() {
    // A method named `in` or `object` is callable from Kotlin only in backticks.
    val keywords = setOf("as", "break", "class", "continue", "do", "else", "false", "for", "fun", "if", "in",
      "interface", "is", "null", "object", "package", "return", "super", "this", "throw", "true", "try",
      "typealias", "typeof", "val", "var", "when", "while")
    val clashes = apiTypes().flatMap { type ->
      type.declaredMethods.filter { Modifier.isPublic(it.modifiers) && it.name in keywords }
        .map { "${type.simpleName}.${it.name}" }
    }
    assertTrue(clashes.isEmpty(), "members named after Kotlin keywords: $clashes")
  }

  @Test
  fun shouldTakeFunctionalParametersLast() {
    // Kotlin passes a lambda outside the parentheses only as the last argument. Constructors are
    // left out: a record's components keep their declared order, and its wither takes the lambda.
    fun functional(type: Class<*>) = type.isInterface &&
      type.methods.count { Modifier.isAbstract(it.modifiers) && !isUniversal(type, it) } == 1
    val misplaced = apiTypes().flatMap { type ->
      type.declaredMethods.filter { method ->
        Modifier.isPublic(method.modifiers) && method.parameterTypes.dropLast(1).any(::functional)
      }.map { "${type.simpleName}.${it.name}(${it.parameterTypes.joinToString { p -> p.simpleName }})" }
    }
    assertTrue(misplaced.isEmpty(), "functional parameters before the last: $misplaced")
    // The check sees the functional types it is about.
    assertTrue(functional(io.github.vhd4j.ProgressListener::class.java))
    assertTrue(functional(java.util.function.Consumer::class.java))
    assertFalse(functional(java.nio.channels.SeekableByteChannel::class.java))
  }

  /** The public API: each member's [key], mapped to how a Kotlin user spells it. */
  private fun publicApi(): Map<String, String> {
    val members = sortedMapOf<String, String>()
    for (type in apiTypes()) {
      val executables: List<Executable> = type.declaredConstructors.toList() + type.declaredMethods
      for (member in executables) {
        if (!Modifier.isPublic(member.modifiers) || member.isSynthetic || isUniversal(type, member)) {
          continue
        }
        members[key(type, member)] = spelling(type, member)
      }
    }
    return members
  }

  /** Public top-level and nested classes of the API packages, from the jar or directory holding them. */
  private fun apiTypes(): List<Class<*>> {
    val names = mutableSetOf<String>()
    for (anchor in listOf(Vhd::class.java, MappedStorage::class.java)) {
      val root = Path.of(anchor.protectionDomain.codeSource.location.toURI())
      val pkg = anchor.name.substringBeforeLast('.').replace('.', '/') + "/"
      if (root.isDirectory()) {
        root.resolve(pkg).listDirectoryEntries("*.class").forEach { names += pkg + it.name }
      } else {
        JarFile(root.toFile()).use { jar ->
          jar.entries().asSequence().map { it.name }
            .filter { it.startsWith(pkg) && it.endsWith(".class") && '/' !in it.removePrefix(pkg) }
            .forEach { names += it }
        }
      }
    }
    return names.filter { !it.endsWith("package-info.class") }
      .map { Class.forName(it.removeSuffix(".class").replace('/', '.'), false, javaClass.classLoader) }
      .filter { type -> generateSequence(type) { it.enclosingClass }.all { Modifier.isPublic(it.modifiers) } }
      .filter { !it.isAnonymousClass && !it.isLocalClass && !it.isSynthetic }
      .also { types -> assertTrue(types.size > 30, "found only $types") }
  }

  /** `equals`/`hashCode`/`toString` (declared by records and some classes) and an enum's `values`/`valueOf`. */
  private fun isUniversal(type: Class<*>, member: Executable): Boolean {
    if (member !is Method) {
      return false
    }
    val fromObject = runCatching { Any::class.java.getMethod(member.name, *member.parameterTypes) }.isSuccess
    val fromEnum = type.isEnum && Modifier.isStatic(member.modifiers) &&
      (member.name == "values" && member.parameterCount == 0 ||
        member.name == "valueOf" && member.parameterTypes.contentEquals(arrayOf(String::class.java)))
    return fromObject || fromEnum
  }

  /** `io/github/vhd4j/Vhd.open(Ljava/nio/file/Path;)Lio/github/vhd4j/VhdImage;`: class, name, JVM descriptor. */
  private fun key(type: Class<*>, member: Executable): String {
    val params = member.parameterTypes.joinToString("") { it.descriptorString() }
    return when (member) {
      is Method -> "${internalName(type)}.${member.name}($params)${member.returnType.descriptorString()}"
      else -> "${internalName(type)}.<init>($params)V"
    }
  }

  private fun internalName(type: Class<*>) = type.name.replace('.', '/')

  /**
   * How Kotlin spells a member: `Vhd.open(Path, OpenOptions)`; `VhdImage.size` for `getSize()`,
   * `Footer.diskType` for the record component `diskType()`.
   */
  private fun spelling(type: Class<*>, member: Executable): String {
    val owner = type.name.substringAfterLast('.').replace('$', '.')
    val params = member.parameterTypes.joinToString(", ") { it.simpleName }
    val name = member.name
    val getter = member is Method && member.parameterCount == 0 && member.returnType != Void.TYPE &&
      !Modifier.isStatic(member.modifiers)
    val component = type.isRecord && type.recordComponents.any { it.name == name }
    return when {
      member !is Method -> "$owner($params)"
      getter && component -> "$owner.$name (property)"
      getter && name.length > 3 && name.startsWith("get") && name[3].isUpperCase() ->
        "$owner.${name[3].lowercase()}${name.substring(4)} (property)"
      getter && name.length > 2 && name.startsWith("is") && name[2].isUpperCase() -> "$owner.$name (property)"
      else -> "$owner.$name($params)"
    }
  }

  /** Every API member a compiled Kotlin test calls, or implements as a SAM lambda, as [key]s. */
  private fun usedMembers(): Set<String> {
    val root = Path.of(javaClass.protectionDomain.codeSource.location.toURI())
    val used = mutableSetOf<String>()
    val classFiles = Files.walk(root).use { paths -> paths.filter { it.isRegularFile() && it.extension == "class" }.toList() }
    assertTrue(classFiles.size > 5, "no test classes under $root")
    for (file in classFiles) {
      for (ref in ConstantPool.read(file).references()) {
        if (packages.none { ref.owner.startsWith(it) && '/' !in ref.owner.removePrefix(it) }) {
          continue
        }
        val owner = Class.forName(ref.owner.replace('/', '.'), false, javaClass.classLoader)
        val declaring = if (ref.lambda) owner else declaringType(owner, ref.name, ref.descriptor)
        if (declaring == null) {
          continue
        }
        if (ref.lambda) {
          // An invokedynamic that makes a `ProgressListener` (say) from a lambda implements its method.
          declaring.methods.filter { Modifier.isAbstract(it.modifiers) && it.name == ref.name }
            .forEach { used += key(declaring, it) }
        } else {
          used += "${internalName(declaring)}.${ref.name}${ref.descriptor}"
        }
      }
    }
    return used
  }

  /** The type whose declaration a call resolves to, as the JVM resolves it: class chain first, then interfaces. */
  private fun declaringType(owner: Class<*>, name: String, descriptor: String): Class<*>? {
    fun declares(type: Class<*>): Boolean =
      if (name == "<init>") {
        type == owner
      } else {
        type.declaredMethods.any { it.name == name && key(type, it).endsWith(".$name$descriptor") }
      }
    generateSequence(owner) { it.superclass }.firstOrNull(::declares)?.let { return it }
    val queue = ArrayDeque(listOf(owner))
    while (queue.isNotEmpty()) {
      val type = queue.removeFirst()
      if (type.isInterface && declares(type)) {
        return type
      }
      type.superclass?.let { queue += it }
      queue += type.interfaces
    }
    return null
  }

  /** A member reference in a class file: a method or constructor called, or a lambda's functional type. */
  private class Reference(val owner: String, val name: String, val descriptor: String, val lambda: Boolean)

  /** Just enough of a class file's constant pool (JVMS 4.4) to list the members it refers to. */
  private class ConstantPool(
    private val tags: IntArray, private val first: IntArray, private val second: IntArray,
    private val strings: Array<String?>,
  ) {
    private fun utf(index: Int): String = strings[index] ?: error("constant $index is not UTF-8")

    fun references(): List<Reference> = tags.indices.mapNotNull { i ->
      when (tags[i]) {
        METHOD_REF, INTERFACE_METHOD_REF -> {
          val nameAndType = second[i]
          Reference(utf(first[first[i]]), utf(first[nameAndType]), utf(second[nameAndType]), lambda = false)
        }
        INVOKE_DYNAMIC -> {
          val nameAndType = second[i]
          val descriptor = utf(second[nameAndType])
          val made = descriptor.substringAfterLast(')')
          if (made.startsWith("L")) {
            Reference(made.substring(1, made.length - 1), utf(first[nameAndType]), descriptor, lambda = true)
          } else {
            null
          }
        }
        else -> null
      }
    }

    companion object {
      private const val UTF8 = 1
      private const val METHOD_REF = 10
      private const val INTERFACE_METHOD_REF = 11
      private const val INVOKE_DYNAMIC = 18

      fun read(file: Path): ConstantPool = DataInputStream(file.inputStream().buffered()).use { input ->
        check(input.readInt() == 0xCAFEBABE.toInt()) { "$file is not a class file" }
        input.readUnsignedShort()
        input.readUnsignedShort()
        val count = input.readUnsignedShort()
        val tags = IntArray(count)
        val first = IntArray(count)
        val second = IntArray(count)
        val strings = arrayOfNulls<String>(count)
        var i = 1
        while (i < count) {
          val tag = input.readUnsignedByte()
          tags[i] = tag
          when (tag) {
            UTF8 -> strings[i] = input.readUTF()
            3, 4 -> input.skipNBytes(4)
            5, 6 -> {
              input.skipNBytes(8)
              i++ // long and double take two slots
            }
            7, 8, 16, 19, 20 -> first[i] = input.readUnsignedShort()
            9, METHOD_REF, INTERFACE_METHOD_REF, 12, 17, INVOKE_DYNAMIC -> {
              first[i] = input.readUnsignedShort()
              second[i] = input.readUnsignedShort()
            }
            15 -> {
              first[i] = input.readUnsignedByte()
              second[i] = input.readUnsignedShort()
            }
            else -> error("unknown constant tag $tag in $file")
          }
          i++
        }
        ConstantPool(tags, first, second, strings)
      }
    }
  }
}
