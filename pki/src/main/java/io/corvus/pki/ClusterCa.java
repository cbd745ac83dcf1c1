package io.corvus.pki;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster's Corvus CA: it signs one certificate per node, which the node's agent presents on
 * both sides of the proxy's link (the cloud side requires it from edge gateways, the edge side
 * checks the cloud side's). Keys are ECDSA P-256; files are PEM (certificate) and PKCS#8 PEM
 * (key, owner-readable only).
 */
public final class ClusterCa {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private ClusterCa(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** A new CA for the cluster, valid for {@code validity} from now. */
    public static ClusterCa create(String clusterId, Duration validity) {
        try {
            KeyPair pair = newKeyPair();
            X500Name name = name("Corvus CA " + clusterId, clusterId);
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(validity)), name, pair.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            return new ClusterCa(sign(builder, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create the cluster CA: " + e.getMessage(), e);
        }
    }

    /** The CA kept in {@code ca.crt} and {@code ca.key} of a folder. */
    public static ClusterCa load(Path folder) throws IOException {
        return fromPem(Files.readString(folder.resolve("ca.crt")), Files.readString(folder.resolve("ca.key")));
    }

    /**
     * A certificate for a node, with a key made here: subject CN = the node name, which the other
     * side checks; SANs = the node name and its addresses; usable as TLS server and client.
     */
    public NodeCredentials issue(String nodeName, List<String> addresses, Duration validity) {
        try {
            KeyPair pair = newKeyPair();
            return new NodeCredentials(nodeName, certify(nodeName, addresses, pair.getPublic(), validity), pair.getPrivate(), certificate);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue a certificate for node " + nodeName + ": " + e.getMessage(), e);
        }
    }

    /**
     * A certificate for the key of a node's request, the node's own key never leaving it; the
     * request must be this cluster's (its OU), see {@link NodeRequest#parse}.
     */
    public X509Certificate sign(NodeRequest request, Duration validity) {
        if (!request.clusterId().equals(clusterIdOf(certificate))) {
            throw new IllegalArgumentException("the request is for cluster " + request.clusterId() + ", this CA signs for "
                    + clusterIdOf(certificate));
        }
        return certify(request.nodeName(), List.of(), request.publicKey(), validity);
    }

    private X509Certificate certify(String nodeName, List<String> addresses, PublicKey publicKey, Duration validity) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minusSeconds(60)), Date.from(now.plus(validity)),
                    name(nodeName, clusterIdOf(certificate)), publicKey);
            List<GeneralName> names = new ArrayList<>();
            names.add(new GeneralName(GeneralName.dNSName, nodeName));
            for (String address : addresses) {
                names.add(new GeneralName(GeneralName.iPAddress, InetAddress.ofLiteral(address).getHostAddress()));
            }
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
            return sign(builder, key);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for node " + nodeName + ": " + e.getMessage(), e);
        }
    }

    /** The CA from its PEM texts (as a Secret holds them). */
    public static ClusterCa fromPem(String certificatePem, String keyPem) {
        return new ClusterCa(Pem.certificate(certificatePem), Pem.privateKey(keyPem));
    }

    public String certificatePem() {
        return Pem.certificateText(certificate);
    }

    /** The CA's private key, PKCS#8 PEM: for the Secret that keeps it, nowhere else. */
    public String keyPem() {
        return Pem.privateKeyText(key);
    }

    /** An ECDSA P-256 key pair, the kind every Corvus certificate has. */
    public static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** Writes {@code ca.crt} and {@code ca.key} (0600) into the folder. */
    public void writeTo(Path folder) throws IOException {
        Files.createDirectories(folder);
        Pem.write(folder.resolve("ca.crt"), Pem.certificateText(certificate), false);
        Pem.write(folder.resolve("ca.key"), Pem.privateKeyText(key), true);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
        return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    }

    private static X500Name name(String commonName, String clusterId) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "corvus").addRDN(BCStyle.OU, clusterId)
                .addRDN(BCStyle.CN, commonName).build();
    }

    private static String clusterIdOf(X509Certificate ca) {
        String subject = ca.getSubjectX500Principal().getName();
        for (String part : subject.split(",")) {
            if (part.startsWith("OU=")) {
                return part.substring(3);
            }
        }
        return "unknown";
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM);
    }

    /** PEM reading and writing, with no dependency beyond the JDK. */
    public static final class Pem {

        private Pem() {
        }

        public static String certificateText(X509Certificate certificate) {
            try {
                return block("CERTIFICATE", certificate.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        public static String privateKeyText(PrivateKey key) {
            return block("PRIVATE KEY", key.getEncoded());
        }

        /** Every certificate of a PEM text, in order (a chain: the node's first, its CA after). */
        public static List<X509Certificate> certificates(String pem) {
            try {
                List<X509Certificate> certificates = new ArrayList<>();
                CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                        .forEach(c -> certificates.add((X509Certificate) c));
                return certificates;
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("not PEM X.509 certificates: " + e.getMessage(), e);
            }
        }

        static X509Certificate certificate(String pem) {
            List<X509Certificate> certificates = certificates(pem);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no X.509 certificate in the PEM text");
            }
            return certificates.getFirst();
        }

        public static PrivateKey privateKey(String pem) {
            String text = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            try {
                return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(text)));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IllegalArgumentException("no PKCS#8 EC private key in the PEM text: " + e.getMessage(), e);
            }
        }

        static void write(Path file, String text, boolean secret) throws IOException {
            if (secret) {
                SecretFiles.write(file, text);
            } else {
                Files.writeString(file, text);
            }
        }

        static String block(String type, byte[] der) {
            return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                    + "\n-----END " + type + "-----\n";
        }
    }
}
