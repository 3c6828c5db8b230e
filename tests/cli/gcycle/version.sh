gcycle --version
