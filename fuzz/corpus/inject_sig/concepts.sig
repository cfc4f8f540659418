# feature-tier signatures: concepts the model sees in any language
c.en.password   password feature en password*|passcode
c.fr.password   password feature fr mot de passe
c.ja.password   password feature ja パスワード|暗証番号
c.en.reveal     reveal   feature en reveal*|tell|give
c.fr.reveal     reveal   feature fr révèle*|dis|donne*
c.ja.reveal     reveal   feature ja 教え|明かし
c.en.secret     secret   feature en secret*|hidden
c.fr.secret     secret   feature fr secret*|caché*
c.raw.b64       encode   feature *  re:base ?64
x.flag          extraction flag en reveal ~3 password
