import Glibc
import RingletCLI

exit(RingletCommand.main(Array(CommandLine.arguments.dropFirst())))
