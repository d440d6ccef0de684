import ArgumentParser
import Foundation

// ArgumentParser exits 64 on usage errors; baocao's contract is 2 (0 done, 1 input problem, 2 usage).
do {
  var command = try BaocaoCommand.parseAsRoot()
  try command.run()
} catch {
  let code = BaocaoCommand.exitCode(for: error)
  if code == .validationFailure {
    FileHandle.standardError.write(Data((BaocaoCommand.fullMessage(for: error) + "\n").utf8))
    exit(2)
  }
  BaocaoCommand.exit(withError: error)
}
