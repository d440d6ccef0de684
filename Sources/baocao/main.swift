import ArgumentParser

BaocaoCommand.main()
