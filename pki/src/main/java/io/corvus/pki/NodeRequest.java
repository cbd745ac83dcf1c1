package io.corvus.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A node's request for its certificate (PKCS#10): subject O=corvus, OU=the cluster, CN=the node,
 * signed with the node's own key, which never leaves the node. The agent makes it; the signer
 * (the gateway-elector) parses it, which checks its signature and its subject.
 *
 * @param pem the request as PEM, what a CertificateSigningRequest carries
 */
public record NodeRequest(String nodeName, String clusterId, PublicKey publicKey, String pem) {

    private static final String ORGANIZATION = "corvus";

    /** The request of node {@code nodeName} of cluster {@code clusterId}, signed with {@code keys}. */
    public static NodeRequest create(String nodeName, String clusterId, KeyPair keys) {
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, ORGANIZATION).addRDN(BCStyle.OU, clusterId)
                    .addRDN(BCStyle.CN, nodeName).build();
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, nodeName)));
            var request = new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            StringWriter text = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
                writer.writeObject(request);
            }
            return new NodeRequest(nodeName, clusterId, keys.getPublic(), text.toString());
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the certificate request of node " + nodeName + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a request and checks it: its signature (the requester holds the key) and a subject of
     * the form O=corvus, OU=cluster, CN=node.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static NodeRequest parse(String pem) {
        Object read;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            read = parser.readObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM certificate request: " + e.getMessage(), e);
        }
        if (!(read instanceof PKCS10CertificationRequest parsed)) {
            throw new IllegalArgumentException("not a PEM certificate request (found " + (read == null ? "nothing" : read.getClass().getSimpleName())
                    + ")");
        }
        try {
            JcaPKCS10CertificationRequest request = new JcaPKCS10CertificationRequest(parsed);
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(request.getSubjectPublicKeyInfo()))) {
                throw new IllegalArgumentException("the request's signature does not match its key");
            }
            X500Name subject = request.getSubject();
            String organization = single(subject, BCStyle.O, "O");
            if (!ORGANIZATION.equals(organization)) {
                throw new IllegalArgumentException("the request's subject must have O=" + ORGANIZATION + ", not O=" + organization);
            }
            return new NodeRequest(single(subject, BCStyle.CN, "CN"), single(subject, BCStyle.OU, "OU"), request.getPublicKey(), pem);
        } catch (OperatorCreationException | PKCSException | GeneralSecurityException e) {
            throw new IllegalArgumentException("the request cannot be verified: " + e.getMessage(), e);
        }
    }

    private static String single(X500Name subject, ASN1ObjectIdentifier type, String name) {
        RDN[] values = subject.getRDNs(type);
        if (values.length != 1) {
            throw new IllegalArgumentException("the request's subject must have exactly one " + name + ", it has " + values.length);
        }
        return IETFUtils.valueToString(values[0].getFirst().getValue());
    }
}
